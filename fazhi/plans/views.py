"""Pages of the plans module: import (upload → preview and correct → confirm) and the ledger."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fazhi.core.models import Permission, User
from fazhi.plans import selectors, services
from fazhi.plans.matching import IGNORE, UnitIndex
from fazhi.plans.parsing.reader import MAX_BYTES
from fazhi.plans.uploads import SizeLimitHandler, too_large

TOO_LARGE = f"文件超过 {MAX_BYTES // 1024 // 1024} MB，已拒绝上传"


def _user(request: HttpRequest) -> User:
    # The login middleware lets no anonymous request reach these views.
    assert isinstance(request.user, User)
    return request.user


def _require_supervise(request: HttpRequest) -> None:
    if not _user(request).has_fazhi_perm(Permission.SUPERVISE):
        raise PermissionDenied("您没有“督查督办”的权限，不能导入方案。")


def _error_text(exc: ValidationError) -> str:
    return "；".join(exc.messages)


# --- ledger ----------------------------------------------------------------------


@require_GET
def ledger_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "plans/ledger_list.html",
        {
            "plans": selectors.plans_for(request.user),
            "can_import": _user(request).has_fazhi_perm(Permission.SUPERVISE),
            "breadcrumbs": [{"label": "方案台账"}],
        },
    )


@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_for(request.user, pk)
    return render(
        request,
        "plans/plan_detail.html",
        {
            "ledger": selectors.ledger_for(request.user, plan),
            "plan": plan,
            "breadcrumbs": [
                {"label": "方案台账", "url": reverse("plans:ledger")},
                {"label": plan.title},
            ],
        },
    )


@require_GET
def plan_source(request: HttpRequest, pk: int) -> HttpResponse:
    """The original file, as uploaded."""
    plan = selectors.plan_for(request.user, pk)
    response = HttpResponse(bytes(plan.source.content), content_type="application/octet-stream")
    response["Content-Disposition"] = _attachment(plan.source.name)
    return response


def _attachment(name: str) -> str:
    from urllib.parse import quote

    return f"attachment; filename*=UTF-8''{quote(name)}"


# --- import ----------------------------------------------------------------------


@csrf_exempt  # checked below, after the size-limiting handler is in place
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    _require_supervise(request)
    if request.method == "POST":
        if too_large(request):
            # Refused from the header alone: the body is never read.
            return _upload_page(request, error=TOO_LARGE, status=413)
        handler = SizeLimitHandler(request)
        request.upload_handlers = [handler, *request.upload_handlers]
    return _import_upload(request, handler if request.method == "POST" else None)


@csrf_protect
def _import_upload(request: HttpRequest, handler: SizeLimitHandler | None) -> HttpResponse:
    if request.method != "POST":
        return _upload_page(request)
    upload = request.FILES.get("file")
    if handler is not None and handler.exceeded:
        return _upload_page(request, error=TOO_LARGE, status=413)
    if upload is None:
        return _upload_page(request, error="请选择要导入的方案文件", status=400)
    try:
        from fazhi.plans.parsing.reader import check_name_and_size

        check_name_and_size(upload.name or "", upload.size or 0)
        data = upload.read()
        draft = services.plan_draft_create(
            actor=_user(request),
            name=upload.name or "方案",
            data=data,
        )
    except ValidationError as exc:
        return _upload_page(request, error=_error_text(exc), status=400)
    messages.success(request, "方案已解析，请核对下面的台账后确认导入。")
    return redirect("plans:draft", pk=draft.pk)


def _upload_page(request: HttpRequest, *, error: str = "", status: int = 200) -> HttpResponse:
    return render(
        request,
        "plans/import_upload.html",
        {
            "error": error,
            "drafts": selectors.drafts_for(request.user),
            "max_mb": MAX_BYTES // 1024 // 1024,
            "breadcrumbs": [{"label": "方案导入"}],
        },
        status=status,
    )


@require_GET
def draft_preview(request: HttpRequest, pk: int) -> HttpResponse:
    _require_supervise(request)
    draft = selectors.draft_for(request.user, pk)
    return render(request, "plans/draft.html", _draft_context(request, draft))


def _draft_context(request: HttpRequest, draft: Any) -> dict[str, Any]:
    index = UnitIndex.load()
    data = draft.data
    units = selectors.unit_rows(draft, index)
    unit_state = {row["name"]: row["resolved"] for row in units}
    warnings_at: dict[tuple[int | None, int | None], list[dict[str, Any]]] = {}
    for warning in data["warnings"]:
        warnings_at.setdefault((warning["measure"], warning["task"]), []).append(warning)
    chapters = {c["number"]: c for c in data["chapters"]}
    sections: list[dict[str, Any]] = []
    for measure in data["measures"]:
        if not sections or sections[-1]["number"] != measure["chapter"]:
            chapter = chapters.get(measure["chapter"])
            sections.append(
                {
                    "number": measure["chapter"],
                    "title": chapter["title"] if chapter else "",
                    "measures": [],
                }
            )
        tasks = []
        for n, task in enumerate(measure["tasks"], start=1):
            tasks.append(
                {
                    **task,
                    "position": n,
                    "is_last": n == len(measure["tasks"]),
                    "warnings": warnings_at.get((measure["number"], n), []),
                    "lead": [
                        {"name": u, "ok": unit_state.get(u, False)} for u in task["lead_units"]
                    ],
                    "responsible": [
                        {"name": u, "ok": unit_state.get(u, False)}
                        for u in task["responsible_units"]
                    ],
                    "lead_raw": "、".join(task["lead_units"]),
                    "responsible_raw": "、".join(task["responsible_units"]),
                }
            )
        sections[-1]["measures"].append(
            {
                **measure,
                "task_rows": tasks,
                "warnings": warnings_at.get((measure["number"], None), []),
            }
        )
    open_warnings = [w for w in data["warnings"] if not w.get("resolved")]
    return {
        "draft": draft,
        "data": data,
        "sections": sections,
        "general_warnings": warnings_at.get((None, None), []),
        "units": units,
        "unmatched": [row for row in units if not row["resolved"]],
        "candidates": sorted(index.candidates.values(), key=lambda c: (c.kind != "group", c.label)),
        "ignore": IGNORE,
        "problems": services.draft_problems(data),
        "open_warnings": open_warnings,
        "task_total": sum(len(m["tasks"]) for m in data["measures"]),
        "duplicate": selectors.duplicate_of(request.user, draft),
        "breadcrumbs": [
            {"label": "方案导入", "url": reverse("plans:import")},
            {"label": "核对台账"},
        ],
    }


def _draft_action(request: HttpRequest, pk: int, anchor: str, action: Any) -> HttpResponse:
    _require_supervise(request)
    draft = selectors.draft_for(request.user, pk)
    try:
        action(draft)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, "已保存修改。")
    return redirect(reverse("plans:draft", args=[draft.pk]) + anchor)


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError as exc:
        raise ValidationError("参数无效") from exc


@require_POST
def draft_title(request: HttpRequest, pk: int) -> HttpResponse:
    return _draft_action(
        request, pk, "",
        lambda d: services.plan_draft_set_title(
            actor=_user(request), draft_id=d.pk, title=request.POST.get("title", "")
        ),
    )  # fmt: skip


@require_POST
def draft_measure(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    return _draft_action(
        request, pk, f"#m{number}",
        lambda d: services.plan_draft_set_measure_title(
            actor=_user(request), draft_id=d.pk, measure=number, title=request.POST.get("title", "")
        ),
    )  # fmt: skip


@require_POST
def draft_task(request: HttpRequest, pk: int, number: int, position: int) -> HttpResponse:
    post = request.POST
    action = post.get("action", "save")

    def run(draft: Any) -> None:
        common: dict[str, Any] = {
            "actor": _user(request),
            "draft_id": draft.pk,
            "measure": number,
            "task": position,
        }
        if action == "split":
            services.plan_draft_split_task(**common, text=post.get("text", ""))
        elif action == "merge":
            services.plan_draft_merge_task(**common)
        else:
            services.plan_draft_update_task(
                **common,
                text=post.get("text", ""),
                lead_units=post.get("lead_units", ""),
                responsible_units=post.get("responsible_units", ""),
                deadline=post.get("deadline", ""),
            )

    return _draft_action(request, pk, f"#t{number}-{position}", run)


@require_POST
def draft_units(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the unit table: every name whose choice the user changed."""

    def run(draft: Any) -> None:
        with transaction.atomic():
            for name, entry in draft.data["units"].items():
                choice = request.POST.get(f"unit:{name}", "")
                current = entry.get("choice") or entry["match"] or ""
                if choice and choice != current:
                    services.plan_draft_choose_unit(
                        actor=_user(request),
                        draft_id=draft.pk,
                        name=name,
                        choice=choice,
                    )

    return _draft_action(request, pk, "#units", run)


@require_POST
def draft_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    _require_supervise(request)
    draft = selectors.draft_for(request.user, pk)
    try:
        plan = services.plan_import_confirm(actor=_user(request), draft_id=draft.pk)
    except ValidationError as exc:
        messages.error(request, "还不能确认导入：" + _error_text(exc))
        return redirect("plans:draft", pk=draft.pk)
    messages.success(request, f"方案《{plan.title}》已导入。")
    return redirect("plans:plan", pk=plan.pk)


@require_POST
def draft_discard(request: HttpRequest, pk: int) -> HttpResponse:
    _require_supervise(request)
    draft = selectors.draft_for(request.user, pk)
    services.plan_draft_discard(actor=_user(request), draft_id=draft.pk)
    messages.info(request, "已放弃这次导入。")
    return redirect("plans:import")
