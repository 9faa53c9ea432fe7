"""Pages of the indicators module: dashboard, indicator detail and drill-down, self-reporting,
assessment, the annual report, and the public 指标佐证 pages (no login)."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from fazhi.core import uploads
from fazhi.core.exports import XLSX, issuing_unit
from fazhi.core.models import Organisation, Permission, User
from fazhi.core.params import int_param
from fazhi.core.scoping import get_visible_or_404
from fazhi.indicators import excel, forms, report, selectors, services
from fazhi.indicators.models import EVIDENCE_UPLOADS, Rule, UnitCategory
from fazhi.plans.models import Plan


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # the login middleware lets no anonymous user in
    return request.user


def _supervises(request: HttpRequest) -> bool:
    return _user(request).has_fazhi_perm(Permission.SUPERVISE)


def _require_supervise(request: HttpRequest) -> None:
    if not _supervises(request):
        raise PermissionDenied("您没有“督查督办”的权限。")


def _year(request: HttpRequest, default: int) -> int:
    """?year= when it is a plausible year (services.check_year's range), else ``default``."""
    found = int_param(request.GET.get("year"), low=services.MIN_YEAR, high=services.max_year())
    return default if found is None else found


def _check_year(year: int) -> None:
    if not services.MIN_YEAR <= year <= services.max_year():
        raise Http404("年度不正确")


def _error(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, "；".join(exc.messages))


def _invalid(request: HttpRequest, form: Form) -> None:
    messages.error(request, forms.errors_of(form))


def _uploads(request: HttpRequest) -> list[services.Upload]:
    """The files of the request (its size already limited by the gate of ``_gated``)."""
    files = uploads.read(EVIDENCE_UPLOADS, request.FILES.getlist("files"))
    return [services.Upload(name, data) for name, data in files]


def _report_refused(request: HttpRequest, error: str, pk: int) -> HttpResponse:
    messages.error(request, error)
    return redirect("indicators:report_list")


def _assessment_refused(request: HttpRequest, error: str, pk: int) -> HttpResponse:
    messages.error(request, error)
    return redirect("indicators:assessment", pk=pk)


def _attachment(name: str) -> str:
    return f"attachment; filename*=UTF-8''{quote(name)}"


# --- dashboard and indicators ------------------------------------------------------------


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    year = _year(request, selectors.default_year(user))
    rows = selectors.rows_for(user, year)
    counts = {s: sum(r.status == s for r in rows) for s in ("met", "unmet", "partial", "no_data")}
    return render(
        request,
        "indicators/dashboard.html",
        {
            "rows": rows,
            "year": year,
            "years": selectors.years_for(user) or [year],
            "counts": counts,
            "closed": year in selectors.closed_years(),
            "deadlines": selectors.report_deadlines(user),
            "supervises": _supervises(request),
            "breadcrumbs": [{"label": "指标看板"}],
        },
    )


@require_GET
def indicator_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    indicator = selectors.indicator_for(user, pk)
    year = _year(
        request, min(max(selectors.default_year(user), indicator.first_year), indicator.last_year)
    )
    row = selectors.row_for(user, indicator, year)
    return render(
        request,
        "indicators/indicator_detail.html",
        {
            "indicator": indicator,
            "row": row,
            "year": year,
            "history": selectors.history_for(user, indicator, year).filter(is_current=False),
            "closed": year in selectors.closed_years(),
            "supervises": _supervises(request),
            "publication": indicator.publications.filter(year=year).first(),
            "breadcrumbs": [
                {"label": "指标看板", "url": reverse("indicators:dashboard") + f"?year={year}"},
                {"label": f"{indicator.code} {indicator.name}"},
            ],
        },
    )


@require_GET
def indicator_records(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """The records behind one number (a unit's, or the total with ?unit= empty)."""
    user = _user(request)
    _check_year(year)
    indicator = selectors.indicator_for(user, pk)
    raw = request.GET.get("unit", "")
    unit = None
    if raw:
        unit_id = int_param(raw)
        if unit_id is None:
            raise Http404("单位不正确")
        unit = get_object_or_404(Organisation.objects.visible_to(user), pk=unit_id)
    drill = selectors.drill_for(user, indicator, year, unit)
    return render(
        request,
        "indicators/records.html",
        {
            "indicator": indicator,
            "year": year,
            "unit": unit,
            "drill": drill,
            "supervises": _supervises(request),
            "closed": year in selectors.closed_years(),
            "breadcrumbs": [
                {"label": "指标看板", "url": reverse("indicators:dashboard") + f"?year={year}"},
                {
                    "label": f"{indicator.code} {indicator.name}",
                    "url": reverse("indicators:indicator", args=[indicator.pk]) + f"?year={year}",
                },
                {"label": drill.title},
            ],
        },
    )


@require_GET
def evidence_download(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = selectors.evidence_for(_user(request), pk)
    return uploads.download(evidence.file, evidence.name)


@require_POST
def value_revise(request: HttpRequest, pk: int) -> HttpResponse:
    _require_supervise(request)
    form = forms.ValueReviseForm(request.POST)
    back = ""
    if not form.is_valid():
        _invalid(request, form)
    else:
        data = form.cleaned_data
        back = data["next"]
        try:
            row = services.indicator_value_revise(
                actor=_user(request),
                value_id=pk,
                reason=data["reason"],
                value=data["value"],
                numerator=data["numerator"],
                denominator=data["denominator"],
                note=data["note"],
            )
            messages.success(request, f"已修订为第 {row.version} 版：{row.display}")
        except ValidationError as exc:
            _error(request, exc)
    return redirect(back if back.startswith("/indicators/") else reverse("indicators:dashboard"))


@require_POST
def year_close(request: HttpRequest) -> HttpResponse:
    _require_supervise(request)
    form = forms.YearCloseForm(request.POST)
    if not form.is_valid():
        _invalid(request, form)
        return redirect("indicators:dashboard")
    year = form.cleaned_data["year"]
    try:
        services.year_close(actor=_user(request), year=year, note=form.cleaned_data["note"])
        messages.success(request, f"{year}年度已关闭，数值已定稿")
    except ValidationError as exc:
        _error(request, exc)
    return redirect(reverse("indicators:dashboard") + f"?year={year}")


@require_POST
def recompute(request: HttpRequest) -> HttpResponse:
    _require_supervise(request)
    changed = services.indicators_recompute(actor=_user(request))
    messages.success(request, f"已重新计算，{changed} 项数值有变化（已关闭年度不变）")
    return redirect("indicators:dashboard")


@require_POST
def publish(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    _require_supervise(request)
    _check_year(year)
    form = forms.PublishForm(request.POST)
    if not form.is_valid():
        _invalid(request, form)
    else:
        try:
            services.publication_publish(
                actor=_user(request),
                indicator_id=pk,
                year=year,
                statement=form.cleaned_data["statement"],
            )
            messages.success(request, "已在“指标佐证”公开页面发布该年度的合计数值")
        except ValidationError as exc:
            _error(request, exc)
    return redirect(reverse("indicators:indicator", args=[pk]) + f"?year={year}")


# --- self-reporting ----------------------------------------------------------------------


@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    year = _year(request, selectors.default_year(user))
    return render(
        request,
        "indicators/report_list.html",
        {
            "items": selectors.reportable_for(user, year),
            "year": year,
            "years": selectors.years_for(user) or [year],
            "closed": year in selectors.closed_years(),
            "breadcrumbs": [{"label": "指标填报"}],
        },
    )


@require_POST
@uploads.gated(EVIDENCE_UPLOADS, _report_refused)
def value_report(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    # Any unit: the service refuses (and audits) a figure entered for another unit.
    form = forms.ValueReportForm(request.POST, units=Organisation.objects.all())
    if not form.is_valid():
        _invalid(request, form)
        return redirect("indicators:report_list")
    data = form.cleaned_data
    try:
        row = services.indicator_value_report(
            actor=user,
            indicator_id=pk,
            unit=data["unit"],
            year=data["year"],
            value=data["value"],
            numerator=data["numerator"],
            denominator=data["denominator"],
            note=data["note"],
            files=_uploads(request),
        )
        messages.success(request, f"已填报：{row.display}（{row.get_status_display()}）")
    except ValidationError as exc:
        _error(request, exc)
    return redirect(reverse("indicators:report_list") + f"?year={data['year']}")


# --- 考核评价 -----------------------------------------------------------------------------


@require_GET
def assessment_list(request: HttpRequest) -> HttpResponse:
    _require_supervise(request)
    user = _user(request)
    return render(
        request,
        "indicators/assessment_list.html",
        {
            "schemes": selectors.schemes_for(user),
            "units": Organisation.objects.visible_to(user).filter(is_active=True),
            "this_year": timezone.localdate().year,
            "breadcrumbs": [{"label": "考核评价"}],
        },
    )


@require_POST
def assessment_create(request: HttpRequest) -> HttpResponse:
    _require_supervise(request)
    user = _user(request)
    form = forms.SchemeCreateForm(
        request.POST,
        schemes=selectors.schemes_for(user),
        units=Organisation.objects.visible_to(user),
    )
    if not form.is_valid():
        _invalid(request, form)
        return redirect("indicators:assessment_list")
    data = form.cleaned_data
    try:
        if data["copy_from"] is not None:
            scheme = services.scheme_copy(
                actor=user, from_scheme_id=data["copy_from"].pk, year=data["year"],
                title=data["title"],
            )  # fmt: skip
        else:
            scheme = services.scheme_create(
                actor=user, year=data["year"], title=data["title"], units=list(data["units"])
            )
    except ValidationError as exc:
        _error(request, exc)
        return redirect("indicators:assessment_list")
    return redirect("indicators:assessment", pk=scheme.pk)


@require_GET
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_supervise(request)
    user = _user(request)
    scheme = selectors.scheme_for(user, pk)
    return render(
        request,
        "indicators/assessment_detail.html",
        {
            "scheme": scheme,
            "items": scheme.items.select_related("indicator"),
            "rankings": [r for r in selectors.rankings_for(user, scheme) if r.results],
            "rules": Rule.choices,
            "applies": UnitCategory.choices,
            "indicators": [i for i in selectors.indicators_for(user) if scheme.year in i.years],
            "assessed": scheme.units.order_by("path"),
            "closed": scheme.year in selectors.closed_years(),
            "breadcrumbs": [
                {"label": "考核评价", "url": reverse("indicators:assessment_list")},
                {"label": scheme.title},
            ],
        },
    )


@require_GET
def assessment_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The ranking as a print-ready .xlsx (one sheet per category)."""
    _require_supervise(request)
    user = _user(request)
    scheme = selectors.scheme_for(user, pk)
    today = timezone.localdate()
    data = excel.ranking_xlsx(
        scheme, selectors.rankings_for(user, scheme), today, unit=issuing_unit(user)
    )
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = _attachment(f"{scheme.title}得分与排名_{today:%Y%m%d}.xlsx")
    return response


@require_POST
def assessment_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    _require_supervise(request)
    user = _user(request)
    form = forms.ItemAddForm(request.POST, indicators=selectors.indicators_for(user))
    if not form.is_valid():
        _invalid(request, form)
        return redirect("indicators:assessment", pk=pk)
    data = form.cleaned_data
    try:
        services.scheme_item_add(
            actor=user,
            scheme_id=pk,
            name=data["name"],
            points=data["points"],
            rule=data["rule"],
            indicator_id=data["indicator"].pk if data["indicator"] else None,
            applies_to=data["applies_to"],
        )
        messages.success(request, "已添加考核项目")
    except ValidationError as exc:
        _error(request, exc)
    return redirect("indicators:assessment", pk=pk)


@require_POST
def assessment_item_remove(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    _require_supervise(request)
    try:
        services.scheme_item_remove(actor=_user(request), item_id=item)
        messages.success(request, "已删除考核项目")
    except ValidationError as exc:
        _error(request, exc)
    return redirect("indicators:assessment", pk=pk)


@require_POST
@uploads.gated(EVIDENCE_UPLOADS, _assessment_refused)
def assessment_score(request: HttpRequest, pk: int) -> HttpResponse:
    _require_supervise(request)
    user = _user(request)
    scheme = selectors.scheme_for(user, pk)
    form = forms.ScoreForm(
        request.POST, items=scheme.items.all(), units=Organisation.objects.visible_to(user)
    )
    if not form.is_valid():
        _invalid(request, form)
        return redirect("indicators:assessment", pk=pk)
    data = form.cleaned_data
    try:
        services.score_set(
            actor=user,
            item_id=data["item"].pk,
            unit=data["unit"],
            score=data["score"],
            reason=data["reason"],
            files=_uploads(request),
        )
        messages.success(request, "已评分")
    except ValidationError as exc:
        _error(request, exc)
    return redirect("indicators:assessment", pk=pk)


@require_POST
@uploads.gated(EVIDENCE_UPLOADS, _assessment_refused)
def assessment_deduct(request: HttpRequest, pk: int) -> HttpResponse:
    _require_supervise(request)
    user = _user(request)
    form = forms.DeductForm(request.POST, units=Organisation.objects.visible_to(user))
    if not form.is_valid():
        _invalid(request, form)
        return redirect("indicators:assessment", pk=pk)
    data = form.cleaned_data
    try:
        services.deduction_add(
            actor=user,
            scheme_id=pk,
            unit=data["unit"],
            points=data["points"],
            reason=data["reason"],
            files=_uploads(request),
        )
        messages.success(request, "已记录扣分")
    except ValidationError as exc:
        _error(request, exc)
    return redirect("indicators:assessment", pk=pk)


# --- the annual report -------------------------------------------------------------------


@require_GET
def report_years(request: HttpRequest) -> HttpResponse:
    _require_supervise(request)
    user = _user(request)
    plans = Plan.objects.visible_to(user).order_by("-created_at")
    choices = []
    for plan in plans:
        first, last = services.plan_years(plan)
        choices.append((plan, list(range(first, last + 1))))
    return render(
        request,
        "indicators/report_years.html",
        {
            "deadlines": selectors.report_deadlines(user),
            "reports": selectors.reports_for(user),
            "choices": choices,
            "today": timezone.localdate(),
            "breadcrumbs": [{"label": "年度报告"}],
        },
    )


@require_POST
def report_track(request: HttpRequest) -> HttpResponse:
    _require_supervise(request)
    user = _user(request)
    form = forms.ReportTrackForm(request.POST, plans=Plan.objects.visible_to(user))
    if not form.is_valid():
        _invalid(request, form)
        return redirect("indicators:report_years")
    year = form.cleaned_data["year"]
    try:
        services.annual_report_ensure(actor=user, plan=form.cleaned_data["plan"], year=year)
        messages.success(request, f"已登记{year}年度报告的报送和公开期限")
    except ValidationError as exc:
        _error(request, exc)
    return redirect("indicators:report_years")


@require_POST
def report_mark(request: HttpRequest, pk: int) -> HttpResponse:
    _require_supervise(request)
    form = forms.ReportMarkForm(request.POST)
    if not form.is_valid():
        _invalid(request, form)
        return redirect("indicators:report_years")
    try:
        services.annual_report_mark(actor=_user(request), report_id=pk, **form.cleaned_data)
        messages.success(request, "已登记")
    except ValidationError as exc:
        _error(request, exc)
    return redirect("indicators:report_years")


@require_GET
def report_docx(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    _require_supervise(request)
    _check_year(year)
    user = _user(request)
    plan = get_visible_or_404(Plan.objects.select_related("owner_unit"), user, pk=pk)
    data = report.build(user, plan, year)
    response = HttpResponse(
        data,
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = _attachment(f"{year}年度法治政府建设情况报告（草稿）.docx")
    return response


# --- 指标佐证 (public) ----------------------------------------------------------------------


@login_not_required
@require_GET
def public_index(request: HttpRequest) -> HttpResponse:
    years = selectors.published_years()
    year = _year(request, years[0] if years else timezone.localdate().year)
    return render(
        request,
        "indicators/public_index.html",
        {"years": years, "year": year, "items": selectors.publications(year)},
    )


@login_not_required
@require_GET
def public_detail(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    _check_year(year)
    item = selectors.publication(year, pk)
    return render(request, "indicators/public_detail.html", {"item": item})
