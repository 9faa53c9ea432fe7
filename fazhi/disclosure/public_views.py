"""Public pages (no login): apply on the portal, look a request up, see its status and
documents, supply the 补正.

Who may see a request: whoever holds its query code AND the last four digits of the phone
number given in it. A correct pair grants the browser session access to that one request
(the session is what the status page checks); the code alone, e.g. from a forwarded URL,
shows nothing. Failed look-ups are counted in the database per (code, address), per address
and per code (services.LOOKUP_LIMITS) and audited. Every page here shows or takes an
applicant's personal data, so none may be cached (never_cache: Cache-Control: no-store).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fazhi.core.middleware import client_ip
from fazhi.core.uploads import download, gated
from fazhi.disclosure import selectors, services
from fazhi.disclosure.forms import LookupForm, PublicApplicationForm, SupplyForm
from fazhi.disclosure.models import DisclosureRequest
from fazhi.disclosure.procedure import CORRECTION, PROCEDURE
from fazhi.procedures.forms import attachment_of
from fazhi.procedures.models import CASE_UPLOADS

SESSION_KEY = "disclosure_access"


def _grant(request: HttpRequest, found: DisclosureRequest) -> None:
    granted = list(request.session.get(SESSION_KEY, []))
    if found.query_code not in granted:
        granted = [*granted[-19:], found.query_code]
    request.session[SESSION_KEY] = granted


def _granted(request: HttpRequest, code: str) -> DisclosureRequest | None:
    code = services.normalise_code(code)
    if code not in request.session.get(SESSION_KEY, []):
        return None
    found: DisclosureRequest | None = (
        DisclosureRequest.objects.select_related("case", "owner_unit")
        .filter(query_code=code)
        .first()
    )
    return found


def _desks() -> list[tuple[int, str]]:
    return [(d.unit.pk, d.unit.name) for d in services.desks_online()]


def _apply_refused(request: HttpRequest, error: str) -> HttpResponse:
    return _apply_page(request, PublicApplicationForm(desks=_desks()), error=error, status=413)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
@gated(CASE_UPLOADS, _apply_refused)
def apply(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _apply_page(request, PublicApplicationForm(desks=_desks()))
    form = PublicApplicationForm(request.POST, request.FILES, desks=_desks())
    if not form.is_valid():
        return _apply_page(request, form, status=400)
    try:
        attachment = attachment_of(request, "attachment")
        created = services.disclosure_submit(
            unit_id=form.cleaned_data["unit"], application=form.application(),
            attachment=attachment,
        )  # fmt: skip
    except ValidationError as exc:
        return _apply_page(request, form, error="；".join(exc.messages), status=400)
    _grant(request, created)
    request.session["disclosure_submitted"] = created.query_code
    return redirect("disclosure_public:submitted")


def _apply_page(
    request: HttpRequest, form: PublicApplicationForm, *, error: str = "", status: int = 200
) -> HttpResponse:
    return render(
        request,
        "disclosure/public/apply.html",
        {"form": form, "error": error, "max_mb": CASE_UPLOADS.total() // 1024 // 1024},
        status=status,
    )


@login_not_required
@never_cache
@require_GET
def submitted(request: HttpRequest) -> HttpResponse:
    code = request.session.get("disclosure_submitted", "")
    found = _granted(request, code) if code else None
    if found is None:
        return redirect("disclosure_public:lookup")
    return render(request, "disclosure/public/submitted.html", {"req": found})


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    form = LookupForm(request.POST or None, initial={"code": request.GET.get("code", "")[:16]})
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            found = services.disclosure_lookup(
                code=form.cleaned_data["code"], phone_last4=form.cleaned_data["phone_last4"],
                address=client_ip(request),
            )  # fmt: skip
        except ValidationError as exc:
            error = "；".join(exc.messages)
        else:
            _grant(request, found)
            return redirect("disclosure_public:status", code=found.query_code)
    return render(
        request,
        "disclosure/public/lookup.html",
        {"form": form, "error": error},
        status=400 if error else 200,
    )


@login_not_required
@never_cache
@require_GET
def status(request: HttpRequest, code: str) -> HttpResponse:
    found = _granted(request, code)
    if found is None:
        return redirect(
            reverse("disclosure_public:lookup") + f"?code={services.normalise_code(code)}"
        )
    return render(request, "disclosure/public/status.html", _status_context(found))


def _status_context(found: DisclosureRequest, form: SupplyForm | None = None) -> dict[str, Any]:
    case = found.case
    events = [
        {"on": e.on, "label": e.label}
        for e in case.events.order_by("seq").only("on", "label", "action")
        if e.action not in ("consult", "consult_done")  # the third party is not the applicant's
    ]
    return {
        "req": found,
        "case": case,
        "state_label": PROCEDURE.state_label(case.state),
        "status": selectors.row_status(case),
        "documents": selectors.documents_for_applicant(found),
        "events": events,
        "can_supply": case.state == CORRECTION,
        "supply_form": form or SupplyForm(),
        "correction_items": (
            case.events.filter(action="ask_correction").values_list("data", flat=True).first() or {}
        ).get("items", ""),
    }


@login_not_required
@never_cache
@require_GET
def status_document(request: HttpRequest, code: str, doc: int) -> HttpResponse:
    found = _granted(request, code)
    document = selectors.applicant_document(found, doc) if found else None
    if document is None:
        raise Http404("文书不存在")
    return download(document.file, document.filename)


def _supply_refused(request: HttpRequest, error: str, code: str) -> HttpResponse:
    found = _granted(request, code)
    if found is None:
        return redirect("disclosure_public:lookup")
    messages.error(request, error)
    return redirect("disclosure_public:status", code=found.query_code)


@login_not_required
@never_cache
@require_POST
@gated(CASE_UPLOADS, _supply_refused)
def supply(request: HttpRequest, code: str) -> HttpResponse:
    found = _granted(request, code)
    if found is None:
        return redirect("disclosure_public:lookup")
    form = SupplyForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(
            request, "disclosure/public/status.html", _status_context(found, form), status=400
        )
    try:
        attachment = attachment_of(request, "attachment")
        services.disclosure_supply(
            request=found, text=form.cleaned_data["text"], attachment=attachment
        )
    except ValidationError as exc:
        messages.error(request, "补正未提交：" + "；".join(exc.messages))
        return redirect("disclosure_public:status", code=found.query_code)
    messages.success(request, "补正材料已提交，答复期限自今日起重新计算。")
    return redirect("disclosure_public:status", code=found.query_code)
