"""Staff pages of 依申请公开: the office list, intake, a request with its steps, the figures."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fazhi.core.exports import issuing_unit
from fazhi.core.models import User
from fazhi.core.params import int_param
from fazhi.core.uploads import gated
from fazhi.disclosure import exports, selectors, services
from fazhi.disclosure.forms import IntakeForm
from fazhi.disclosure.models import Channel
from fazhi.disclosure.procedure import PROCEDURE
from fazhi.procedures.approvals import approval_panel
from fazhi.procedures.forms import action_form, attachment_of
from fazhi.procedures.models import CASE_UPLOADS
from fazhi.procedures.services import Upload, Verdict, allowed_actions, open_allowed
from fazhi.workdays.index import current_calendar


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # the login middleware lets no anonymous user in
    return request.user


def _errors(exc: ValidationError) -> str:
    return "；".join(exc.messages)


def _xlsx(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=exports.XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def _may_register(user: User) -> Verdict:
    """The intake page is offered exactly when the engine would open the case."""
    return open_allowed(user, PROCEDURE.code, "register", user.unit)


@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    filters = selectors.ListFilters(
        unit=int_param(request.GET.get("unit")),
        state=request.GET.get("state", ""),
        channel=request.GET.get("channel", ""),
        deadline=request.GET.get("deadline", ""),
        q=request.GET.get("q", "")[:64],
        mine=request.GET.get("mine") == "1",
    )
    rows = selectors.open_cases(user, filters)
    if request.GET.get("format") == "xlsx":
        return _xlsx(
            exports.office_list_xlsx(rows[:10000], unit=issuing_unit(user)), "依申请公开办理中.xlsx"
        )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    cal = current_calendar()
    # Plain values per row: the page renders 50 rows with their explanations, and every
    # template lookup counts at that size.
    items = []
    for c in page:
        req = c.disclosure
        status = selectors.row_status(c, calendar=cal)
        items.append(
            {
                "url": reverse("disclosure:detail", args=[req.pk]),
                "number": c.number,
                "unit": c.owner_unit.display_name,
                "applicant": req.applicant_name,
                "received": req.received_on.isoformat() if req.received_on else "",
                "state": PROCEDURE.state_label(c.state),
                "due": c.due_on.isoformat() if c.due_on else "—",
                "explain": "\n".join(c.due_explanation),
                "css": status.css,
                "label": status.label,
                "note": status.note,
            }
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "disclosure/list.html",
        {
            "page": page,
            "items": items,
            "pending": list(selectors.pending_online(user)[:50]),
            "filters": filters,
            "units": selectors.units_for(user),
            "states": [(s, PROCEDURE.state_label(s)) for s in selectors.LIST_STATES],
            "channels": Channel.choices,
            "query": query.urlencode(),
            "can_handle": bool(_may_register(user)),
            "breadcrumbs": [{"label": "依申请公开"}],
        },
    )


def _may_register_or_403(request: HttpRequest) -> None:
    verdict = _may_register(_user(request))
    if not verdict:
        raise PermissionDenied(verdict.reason)


def _create_refused(request: HttpRequest, error: str) -> HttpResponse:
    _may_register_or_403(request)
    return _create_page(request, IntakeForm(), error=error, status=413)


@require_http_methods(["GET", "POST"])
@gated(CASE_UPLOADS, _create_refused)
def request_create(request: HttpRequest) -> HttpResponse:
    _may_register_or_403(request)
    user = _user(request)
    if request.method != "POST":
        return _create_page(request, IntakeForm(initial={"submitted_on": timezone.localdate()}))
    form = IntakeForm(request.POST, request.FILES)
    if not form.is_valid():
        return _create_page(request, form, status=400)
    if user.unit is None:  # a superuser without a unit: registered for which office?
        return _create_page(request, form, error="您未分配单位，不能登记申请", status=400)
    data = form.cleaned_data
    try:
        attachment = attachment_of(request, "attachment")
        created = services.disclosure_register(
            actor=user, unit=user.unit, application=form.application(), channel=data["channel"],
            letter_kind=data.get("letter_kind") or "", submitted_on=data["submitted_on"],
            signed_on=data.get("signed_on"), confirmed_on=data.get("confirmed_on"),
            uploads=[attachment] if attachment else None,
        )  # fmt: skip
    except ValidationError as exc:
        return _create_page(request, form, error=_errors(exc), status=400)
    messages.success(request, f"已登记 {created.case.number}，答复期限至 {created.case.due_on}。")
    return redirect("disclosure:detail", pk=created.pk)


def _create_page(
    request: HttpRequest, form: IntakeForm, *, error: str = "", status: int = 200
) -> HttpResponse:
    return render(
        request,
        "disclosure/create.html",
        {
            "form": form,
            "error": error,
            "breadcrumbs": [
                {"label": "依申请公开", "url": reverse("disclosure:list")},
                {"label": "登记申请"},
            ],
        },
        status=status,
    )


def _detail_context(
    request: HttpRequest, found: Any, forms: dict[str, Any] | None = None
) -> dict[str, Any]:
    user = _user(request)
    case = found.case
    # Exactly what the engine would accept from this user (procedures.services.action_allowed).
    actions = [
        {"action": action,
         "form": (forms or {}).get(action.code) or action_form(action, version=case.version)}
        for action in allowed_actions(user, case)
    ]  # fmt: skip
    return {
        "req": found,
        "case": case,
        "state_label": PROCEDURE.state_label(case.state),
        "status": selectors.row_status(case),
        "sides": selectors.side_deadlines(found),
        "documents": case.documents.order_by("pk"),
        "events": selectors.timeline(case)[-5:],
        "actions": actions,
        "panel": approval_panel(user, case),
        "breadcrumbs": [
            {"label": "依申请公开", "url": reverse("disclosure:list")},
            {"label": case.number or f"网上申请 {found.query_code}"},
        ],
    }


@require_GET
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.request_for(request.user, pk)
    return render(request, "disclosure/detail.html", _detail_context(request, found))


def _act_refused(request: HttpRequest, error: str, pk: int, action: str) -> HttpResponse:
    found = selectors.request_for(request.user, pk)
    messages.error(request, error)
    return redirect("disclosure:detail", pk=found.pk)


@require_POST
@gated(CASE_UPLOADS, _act_refused)
def request_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    found = selectors.request_for(request.user, pk)
    code = action
    step = PROCEDURE.action(code)
    if step is None or step.by != "office":
        raise Http404("没有这一步")
    return _request_act(request, found, step)


def _request_act(request: HttpRequest, found: Any, action: Any) -> HttpResponse:
    code = action.code
    form = action_form(action, version=found.case.version, data=request.POST, files=request.FILES)
    if not form.is_valid():
        context = _detail_context(request, found, {code: form})
        return render(request, "disclosure/detail.html", context, status=400)
    data = dict(form.cleaned_data)
    on: date = data.pop("on")
    version: int = data.pop("version")
    files: list[Upload] = []
    try:
        for spec in action.inputs:
            if spec.kind == "file":
                data.pop(spec.name, None)
                upload = attachment_of(request, f"{code}-{spec.name}", spec.name)
                if upload is not None:
                    files.append(upload)
        services.disclosure_act(
            actor=_user(request), request_id=found.pk, action=code, on=on, version=version,
            inputs=data, uploads=files,
        )  # fmt: skip
    except ValidationError as exc:
        messages.error(request, f"{action.label}未完成：{_errors(exc)}")
        return redirect("disclosure:detail", pk=found.pk)
    if action.approval:
        messages.success(request, f"“{action.label}”已拟稿送审，签发后生效。")
    else:
        messages.success(request, f"已{action.label}。")
    return redirect("disclosure:detail", pk=found.pk)


# --- figures -----------------------------------------------------------------------------------


def _year(request: HttpRequest) -> int:
    year = int_param(request.GET.get("year"), low=2000, high=2100)
    return year or timezone.localdate().year


@require_GET
def figures(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    year = _year(request)
    unit_id = int_param(request.GET.get("unit"))
    table = selectors.annual_table(user=user, year=year, unit_id=unit_id)
    if request.GET.get("format") == "xlsx":
        return _xlsx(
            exports.annual_table_xlsx(table, unit=issuing_unit(user)),
            f"{year}年政府信息公开申请情况.xlsx",
        )
    return render(
        request,
        "disclosure/figures.html",
        {
            "year": year,
            "years": range(timezone.localdate().year, timezone.localdate().year - 6, -1),
            "rates": selectors.answer_rates(user=user, year=year),
            "table": table,
            "unit_id": unit_id,
            "units": selectors.units_for(user),
            "breadcrumbs": [{"label": "公开申请统计"}],
        },
    )


@require_GET
def figure_records(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    year = _year(request)
    measure = request.GET.get("measure", "received")
    if measure not in selectors.MEASURE_LABELS:
        measure = "received"
    rows = selectors.rate_records(
        user=user, year=year, measure=measure, unit_id=int_param(request.GET.get("unit"))
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "disclosure/records.html",
        {
            "page": page,
            "year": year,
            "measure_label": selectors.MEASURE_LABELS[measure],
            "query": query.urlencode(),
            "breadcrumbs": [
                {"label": "公开申请统计", "url": reverse("disclosure:figures") + f"?year={year}"},
                {"label": selectors.MEASURE_LABELS[measure]},
            ],
        },
    )
