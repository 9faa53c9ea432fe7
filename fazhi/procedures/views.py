"""A case's timeline (every event with the due date after it and how it was computed) and
its documents; the same pages serve every procedure."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from fazhi.core import crypto, uploads
from fazhi.core.scoping import get_visible_or_404
from fazhi.procedures import engine, services
from fazhi.procedures.approvals import approval_panel
from fazhi.procedures.documents import DOCX
from fazhi.procedures.forms import ApprovalForm, CollectiveForm
from fazhi.procedures.models import Case, CaseApproval, CaseEvent
from fazhi.procedures.services import case_deadline, case_deadlines


@require_GET
def timeline(request: HttpRequest, pk: int) -> HttpResponse:
    case: Case = get_visible_or_404(Case.objects.select_related("owner_unit"), request.user, pk=pk)
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
            "parties": case.parties.all(),
            "participants": case.participants.select_related("unit"),
            "links": case.links_out.select_related("target"),
            "breadcrumbs": [
                {"label": procedure.name, "url": back},
                {"label": f"{case.number or case.title} 办理过程"},
            ],
        },
    )


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
