"""A case's timeline (every event with the due date after it and how it was computed, its
parties, units, links and 日程 with their forms) and its documents; the same pages serve
every procedure."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from fazhi.core import crypto, uploads
from fazhi.core.forms import error_messages
from fazhi.core.models import Organisation, User
from fazhi.core.params import int_param
from fazhi.core.scoping import get_visible_or_404
from fazhi.procedures import engine, services
from fazhi.procedures.approvals import approval_panel
from fazhi.procedures.documents import DOCX
from fazhi.procedures.forms import (
    AppointmentForm,
    ApprovalForm,
    CollectiveForm,
    LinkForm,
    ParticipantForm,
    PartyForm,
)
from fazhi.procedures.models import Case, CaseApproval, CaseEvent
from fazhi.procedures.services import case_deadline, case_deadlines


@require_GET
def timeline(request: HttpRequest, pk: int) -> HttpResponse:
    case: Case = get_visible_or_404(Case.objects.select_related("owner_unit"), request.user, pk=pk)
    return _timeline_page(request, case)


def _timeline_page(
    request: HttpRequest, case: Case, *, refused: tuple[str, forms.Form] | None = None
) -> HttpResponse:
    """The timeline; ``refused``: the part form (by name) a POST could not save, shown
    again open with its errors (status 400)."""
    procedure = engine.get(case.procedure)
    events = list(case.events.prefetch_related("documents").order_by("seq"))
    rows = [
        {
            "event": e,
            "before": procedure.state_label(e.state_before) if e.state_before else "",
            "after": procedure.state_label(e.state_after),
            "data": _shown(procedure, e),
        }
        for e in events
    ]
    back = procedure.detail_url(case) if procedure.detail_url else ""
    editing = services.case_edit_allowed(_user(request), case)
    part_forms: dict[str, forms.Form] = {}
    if editing:
        part_forms = {name: _part_form(name, case) for name in PARTS}
        if refused is not None:
            part_forms[refused[0]] = refused[1]
    return render(
        request,
        "procedures/timeline.html",
        {
            "case": case,
            "procedure": procedure,
            "state_label": procedure.state_label(case.state),
            "rows": rows,
            "deadline": case_deadline(case),
            "clocks": sorted(case_deadlines(case).items(), key=lambda item: item[1].due),
            "panel": approval_panel(request.user, case),
            "appointments": case.appointments.filter(cancelled=False),
            "parties": _party_rows(case),
            "participants": case.participants.select_related("unit"),
            "links": case.links_out.select_related("target"),
            "editing": bool(editing),
            "part_forms": part_forms,
            "refused": refused[0] if refused else "",
            "breadcrumbs": [
                {"label": procedure.name, "url": back},
                {"label": f"{case.number or case.title} 办理过程"},
            ],
        },
        status=400 if refused else 200,
    )


def _party_rows(case: Case) -> list[dict[str, Any]]:
    """The parties with their sealed ID number and phone masked: the page shows that one was
    given, nothing of it (not even in the HTML)."""
    return [
        {"party": p, "id_number": crypto.masked(p.id_number), "phone": crypto.masked(p.phone)}
        for p in case.parties.all()
    ]


def _shown(procedure: engine.Procedure, event: CaseEvent) -> list[tuple[str, str]]:
    """The event's inputs with their declared labels (internal values left out)."""
    action = procedure.action(event.action)
    labels = {i.name: i.label for i in action.inputs} if action else {}
    choices = {i.name: dict(i.choices) for i in action.inputs if i.choices} if action else {}
    sensitive = action.sensitive if action else frozenset()
    shown = []
    for name, value in event.data.items():
        if value in ("", None) or name in HIDDEN:
            continue
        if name in sensitive or crypto.is_sealed(value):
            # Personal data shows masked here; the full value is on the module's own page.
            value = crypto.masked(value)
        shown.append((labels.get(name, name), str(choices.get(name, {}).get(value, value))))
    return shown


HIDDEN = {"fingerprint", "query_code"}


@require_GET
def document(request: HttpRequest, pk: int, doc: int) -> HttpResponse:
    case: Case = get_visible_or_404(Case.objects.all(), request.user, pk=pk)
    found = case.documents.select_related("file").filter(pk=doc).first()
    if found is None:
        raise Http404("文书不存在")
    return uploads.download(found.file, found.filename)


@require_POST
def approval_decide(request: HttpRequest, pk: int, approval: int) -> HttpResponse:
    """同意 or 退回 on the current step (procedures.services.approval_decide decides)."""
    case: Case = get_visible_or_404(Case.objects.all(), request.user, pk=pk)
    found = get_object_or_404(CaseApproval, pk=approval, case=case)
    procedure = engine.get(case.procedure)
    form = (CollectiveForm if _current_is_record(procedure, found) else ApprovalForm)(
        request.POST, prefix="approval"
    )
    if not form.is_valid():
        messages.error(request, "审批未完成：" + "；".join(
            str(e) for errors in form.errors.values() for e in errors))  # fmt: skip
        return redirect("procedures:timeline", pk=case.pk)
    data = form.cleaned_data
    back = data["next"]
    target = back if back.startswith("/") and not back.startswith("//") else ""
    approve = data["decision"] == "approve"
    try:
        services.approval_decide(
            actor=request.user, approval_id=found.pk, approve=approve,  # type: ignore[arg-type]
            on=data["on"], version=data["version"], comment=data["comment"],
            record=data.get("record", ""), dissent=data.get("dissent", ""),
        )  # fmt: skip
    except ValidationError as exc:
        messages.error(request, "审批未完成：" + "；".join(exc.messages))
    else:
        messages.success(request, "已同意。" if approve else "已退回拟稿人。")
    return redirect(target or reverse("procedures:timeline", args=[case.pk]))


def _current_is_record(procedure: engine.Procedure, approval: CaseApproval) -> bool:
    spec = procedure.action(approval.action)
    return any(s.code == approval.step and s.record for s in (spec.approval if spec else ()))


@require_GET
def approval_preview(request: HttpRequest, pk: int, approval: int, template: str) -> HttpResponse:
    case: Case = get_visible_or_404(Case.objects.select_related("owner_unit"), request.user, pk=pk)
    found = get_object_or_404(CaseApproval, pk=approval, case=case)
    try:
        data = services.approval_preview(case, found, template)
    except ValidationError as exc:
        raise Http404("；".join(exc.messages)) from None
    name = f"{case.number or case.pk}-{found.label}（草稿，未签发）.docx"
    response = HttpResponse(data, content_type=DOCX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


# --- a case's parts: parties, participating units, links, 日程 -------------------------------
#
# Each form posts here; procedures.services writes (permission, checks, audit). Who may is
# services.case_edit_allowed: the page shows the forms exactly when it allows, and a POST
# from anyone else is refused (audited by case_edit_check) before its form is read.

PARTS = ("party", "participant", "link", "appointment")


def _user(request: HttpRequest) -> User:
    # The login middleware lets no anonymous request reach these views.
    assert isinstance(request.user, User)
    return request.user


def _participant_units(case: Case) -> QuerySet[Organisation]:
    return Organisation.objects.filter(is_active=True).exclude(pk=case.owner_unit_id)


def _part_form(name: str, case: Case, data: Any = None) -> forms.Form:
    if name == "party":
        return PartyForm(data, prefix=name)
    if name == "participant":
        return ParticipantForm(data, prefix=name, units=_participant_units(case))
    if name == "link":
        return LinkForm(data, prefix=name)
    return AppointmentForm(data, prefix=name)


def _error_text(exc: ValidationError | PermissionDenied) -> str:
    return "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)


def _back(case: Case, anchor: str = "parts") -> HttpResponse:
    return redirect(f"{reverse('procedures:timeline', args=[case.pk])}#{anchor}")


def _editable(request: HttpRequest, pk: int) -> tuple[Case, HttpResponse | None]:
    """The case, and the refusal to send instead when the user may only read it."""
    case: Case = get_visible_or_404(Case.objects.select_related("owner_unit"), request.user, pk=pk)
    try:
        services.case_edit_check(actor=_user(request), case_id=case.pk)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "未保存：" + _error_text(exc))
        return case, _back(case)
    return case, None


def _part_post(
    request: HttpRequest, pk: int, name: str, write: Callable[[Case, dict[str, Any]], str]
) -> HttpResponse:
    """Check the form ``name`` and run ``write`` (which calls the service and says what was
    done); a refusal shows the page again with the form, its errors and nothing saved."""
    case, refused = _editable(request, pk)
    if refused is not None:
        return refused
    form = _part_form(name, case, request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(error_messages(form))
        done = write(case, form.cleaned_data)
    except (ValidationError, PermissionDenied) as exc:
        if not form.errors:  # the service refused what the form let through
            form.add_error(None, _error_text(exc))
        messages.error(request, "未保存：" + _error_text(exc))
        return _timeline_page(request, case, refused=(name, form))
    messages.success(request, done)
    return _back(case, "agenda" if name == "appointment" else "parts")


@require_POST
def party_add(request: HttpRequest, pk: int) -> HttpResponse:
    def write(case: Case, data: dict[str, Any]) -> str:
        party = services.case_party_add(actor=_user(request), case_id=case.pk, **data)
        return f"已登记{party.get_role_display()}“{party.name}”。"

    return _part_post(request, pk, "party", write)


@require_POST
def participant_add(request: HttpRequest, pk: int) -> HttpResponse:
    def write(case: Case, data: dict[str, Any]) -> str:
        unit = _participant_units(case).filter(pk=data["unit"]).first()
        if unit is None:  # deactivated since the page was shown
            raise ValidationError("所选单位不存在或已停用，请从列表中选择")
        row = services.case_participant_add(
            actor=_user(request), case_id=case.pk, unit=unit, role=data["role"]
        )
        return f"“{unit.name}”已作为{row.get_role_display()}参与本案。"

    return _part_post(request, pk, "participant", write)


@require_POST
def link_add(request: HttpRequest, pk: int) -> HttpResponse:
    def write(case: Case, data: dict[str, Any]) -> str:
        target = _case_by_reference(_user(request), data["target"])
        services.case_link(
            actor=_user(request), source_id=case.pk, target_id=target.pk, kind=data["kind"],
            note=data["note"],
        )  # fmt: skip
        return f"已关联案件“{target.number or target.title}”。"

    return _part_post(request, pk, "link", write)


def _case_by_reference(user: User, reference: str) -> Case:
    """The case the user typed (案号, or the id in its page's address) among those they may
    see; any other gives the same answer, so that it tells nothing of cases out of sight."""
    text = reference.strip()
    seen = Case.objects.visible_to(user)
    found: Case | None = seen.filter(number=text).first() if text else None
    if found is None and (number := int_param(text)) is not None:
        found = seen.filter(pk=number).first()
    if found is None:
        raise ValidationError(f"未找到案件“{text}”：请核对案号（只能关联您有权查看的案件）")
    return found


@require_POST
def appointment_add(request: HttpRequest, pk: int) -> HttpResponse:
    def write(case: Case, data: dict[str, Any]) -> str:
        row = services.case_appointment_set(actor=_user(request), case_id=case.pk, **data)
        return f"已登记日程：{row.on.isoformat()} {row.label}。"

    return _part_post(request, pk, "appointment", write)


@require_POST
def party_remove(request: HttpRequest, pk: int, party: int) -> HttpResponse:
    case, refused = _editable(request, pk)
    if refused is not None:
        return refused
    try:
        row = services.case_party_remove(actor=_user(request), case_id=case.pk, party_id=party)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "未删除：" + _error_text(exc))
    else:
        messages.success(request, f"已删除{row.get_role_display()}“{row.name}”。")
    return _back(case)


@require_POST
def appointment_cancel(request: HttpRequest, pk: int, appointment: int) -> HttpResponse:
    case, refused = _editable(request, pk)
    if refused is not None:
        return refused
    try:
        row = services.case_appointment_cancel(
            actor=_user(request), case_id=case.pk, appointment_id=appointment
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "未取消：" + _error_text(exc))
    else:
        messages.success(request, f"已取消日程：{row.on.isoformat()} {row.label}。")
    return _back(case, "agenda")
