"""A case's timeline (every event with the due date after it and how it was computed) and
its documents; the same pages serve every procedure."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from fazhi.core import crypto, uploads
from fazhi.core.scoping import get_visible_or_404
from fazhi.procedures import engine
from fazhi.procedures.models import Case, CaseEvent
from fazhi.procedures.services import case_deadline


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
