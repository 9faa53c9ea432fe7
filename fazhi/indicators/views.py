"""Pages of the indicators module: dashboard, indicator detail and drill-down, self-reporting,
assessment, the annual report, and the public 指标佐证 pages (no login)."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from fazhi.core.models import Organisation, Permission, User
from fazhi.core.scoping import get_visible_or_404
from fazhi.indicators import report, selectors, services
from fazhi.indicators.models import Rule, UnitCategory
from fazhi.plans.models import Plan

MIN_YEAR, MAX_YEAR = 2000, 2100


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # the login middleware lets no anonymous user in
    return request.user


def _supervises(request: HttpRequest) -> bool:
    return _user(request).has_fazhi_perm(Permission.SUPERVISE)


def _require_supervise(request: HttpRequest) -> None:
    if not _supervises(request):
        raise PermissionDenied("您没有“督查督办”的权限。")


def _year(request: HttpRequest, default: int) -> int:
    raw = request.GET.get("year", "")
    if raw.isdigit() and MIN_YEAR <= int(raw) <= MAX_YEAR:
        return int(raw)
    return default


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Http404("年度不正确")


def _error(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, "；".join(exc.messages))


def _uploads(request: HttpRequest) -> list[services.Upload]:
    return [services.Upload(f.name or "", f.read()) for f in request.FILES.getlist("files")]


def _attachment(name: str) -> str:
    return f"attachment; filename*=UTF-8''{quote(name)}"


# --- dashboard and indicators ------------------------------------------------------------


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    year = _year(request, selectors.default_year(user))
    rows = selectors.rows_for(user, year)
    counts = {s: sum(r.status == s for r in rows) for s in ("met", "unmet", "no_data")}
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
        if not raw.isdigit():
            raise Http404("单位不正确")
        unit = get_object_or_404(Organisation.objects.visible_to(user), pk=int(raw))
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
    response = HttpResponse(bytes(evidence.content), content_type="application/octet-stream")
    response["Content-Disposition"] = _attachment(evidence.name)
    return response


@require_POST
def value_revise(request: HttpRequest, pk: int) -> HttpResponse:
    _require_supervise(request)
    back = request.POST.get("next", "")
    try:
        row = services.indicator_value_revise(
            actor=_user(request),
            value_id=pk,
            reason=request.POST.get("reason", ""),
            value=request.POST.get("value"),
            numerator=request.POST.get("numerator"),
            denominator=request.POST.get("denominator"),
            note=request.POST.get("note", ""),
        )
        messages.success(request, f"已修订为第 {row.version} 版：{row.display}")
    except ValidationError as exc:
        _error(request, exc)
    return redirect(back if back.startswith("/indicators/") else reverse("indicators:dashboard"))


@require_POST
def year_close(request: HttpRequest) -> HttpResponse:
    _require_supervise(request)
    raw = request.POST.get("year", "")
    try:
        if not raw.isdigit():
            raise ValidationError("年度不正确")
        services.year_close(actor=_user(request), year=int(raw), note=request.POST.get("note", ""))
        messages.success(request, f"{raw}年度已关闭，数值已定稿")
    except ValidationError as exc:
        _error(request, exc)
    return redirect(reverse("indicators:dashboard") + f"?year={raw if raw.isdigit() else ''}")


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
    try:
        services.publication_publish(
            actor=_user(request),
            indicator_id=pk,
            year=year,
            statement=request.POST.get("statement", ""),
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
def value_report(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    raw = request.POST.get("year", "")
    year = int(raw) if raw.isdigit() else 0
    unit_raw = request.POST.get("unit", "")
    unit = Organisation.objects.filter(pk=int(unit_raw)).first() if unit_raw.isdigit() else None
    try:
        if unit is None:
            raise ValidationError("请选择填报单位")
        row = services.indicator_value_report(
            actor=user,
            indicator_id=pk,
            unit=unit,
            year=year,
            value=request.POST.get("value"),
            numerator=request.POST.get("numerator"),
            denominator=request.POST.get("denominator"),
            note=request.POST.get("note", ""),
            files=_uploads(request),
        )
        messages.success(request, f"已填报：{row.display}（{row.get_status_display()}）")
    except ValidationError as exc:
        _error(request, exc)
    return redirect(reverse("indicators:report_list") + f"?year={year or ''}")


# --- 考核评价 -----------------------------------------------------------------------------


def _org_ids(request: HttpRequest, user: User) -> list[Organisation]:
    ids = [int(i) for i in request.POST.getlist("units") if i.isdigit()]
    return list(Organisation.objects.visible_to(user).filter(pk__in=ids))


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
    raw = request.POST.get("year", "")
    try:
        if not raw.isdigit() or not MIN_YEAR <= int(raw) <= MAX_YEAR:
            raise ValidationError("年度不正确")
        copy_from = request.POST.get("copy_from", "")
        if copy_from.isdigit():
            scheme = services.scheme_copy(
                actor=user,
                from_scheme_id=int(copy_from),
                year=int(raw),
                title=request.POST.get("title", ""),
            )
        else:
            scheme = services.scheme_create(
                actor=user,
                year=int(raw),
                title=request.POST.get("title", ""),
                units=_org_ids(request, user),
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
    results = selectors.results_for(user, scheme)
    return render(
        request,
        "indicators/assessment_detail.html",
        {
            "scheme": scheme,
            "items": scheme.items.select_related("indicator"),
            "results": results,
            "categories": [
                (str(label), [r for r in results if r.category == value])
                for value, label in UnitCategory.choices
            ],
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


@require_POST
def assessment_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    _require_supervise(request)
    raw = request.POST.get("indicator", "")
    try:
        services.scheme_item_add(
            actor=_user(request),
            scheme_id=pk,
            name=request.POST.get("name", ""),
            points=request.POST.get("points"),
            rule=request.POST.get("rule", ""),
            indicator_id=int(raw) if raw.isdigit() else None,
            applies_to=request.POST.get("applies_to", ""),
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


def _assessed_unit(request: HttpRequest) -> Organisation | None:
    raw = request.POST.get("unit", "")
    if not raw.isdigit():
        return None
    found: Organisation | None = (
        Organisation.objects.visible_to(_user(request)).filter(pk=int(raw)).first()
    )
    return found


@require_POST
def assessment_score(request: HttpRequest, pk: int) -> HttpResponse:
    _require_supervise(request)
    raw = request.POST.get("item", "")
    unit = _assessed_unit(request)
    try:
        if unit is None or not raw.isdigit():
            raise ValidationError("请选择考核项目和单位")
        services.score_set(
            actor=_user(request),
            item_id=int(raw),
            unit=unit,
            score=request.POST.get("score"),
            reason=request.POST.get("reason", ""),
            files=_uploads(request),
        )
        messages.success(request, "已评分")
    except ValidationError as exc:
        _error(request, exc)
    return redirect("indicators:assessment", pk=pk)


@require_POST
def assessment_deduct(request: HttpRequest, pk: int) -> HttpResponse:
    _require_supervise(request)
    unit = _assessed_unit(request)
    try:
        if unit is None:
            raise ValidationError("请选择被扣分的单位")
        services.deduction_add(
            actor=_user(request),
            scheme_id=pk,
            unit=unit,
            points=request.POST.get("points"),
            reason=request.POST.get("reason", ""),
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
    plan_raw, year_raw = request.POST.get("plan", ""), request.POST.get("year", "")
    plan = (
        Plan.objects.visible_to(user).filter(pk=int(plan_raw)).first()
        if plan_raw.isdigit()
        else None
    )
    if plan is None or not year_raw.isdigit():
        messages.error(request, "请选择方案和年度")
    else:
        services.annual_report_ensure(actor=user, plan=plan, year=int(year_raw))
        messages.success(request, f"已登记{year_raw}年度报告的报送和公开期限")
    return redirect("indicators:report_years")


@require_POST
def report_mark(request: HttpRequest, pk: int) -> HttpResponse:
    _require_supervise(request)
    try:
        days: dict[str, date | None] = {}
        for field in ("submitted_on", "published_on"):
            raw = request.POST.get(field, "").strip()
            try:
                days[field] = date.fromisoformat(raw) if raw else None
            except ValueError:
                raise ValidationError("日期格式应为 YYYY-MM-DD") from None
        services.annual_report_mark(actor=_user(request), report_id=pk, **days)
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
