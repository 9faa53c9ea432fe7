"""Pages of the plans module: import (upload → preview and correct → confirm), the ledger and
the work on it (my tasks, task page with reports and decisions, matrix, 督办, notifications,
Excel and Word)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fazhi.core import uploads
from fazhi.core.exports import XLSX, issuing_unit
from fazhi.core.forms import posted
from fazhi.core.models import Organisation, Permission, User
from fazhi.core.params import int_param
from fazhi.core.scoping import get_visible_or_404, scope_q
from fazhi.plans import excel, forms, selectors, services, word
from fazhi.plans.matching import IGNORE, UnitIndex
from fazhi.plans.models import (
    EVIDENCE_UPLOADS,
    LEDGER_UPLOAD,
    PLAN_UPLOAD,
    Consolidation,
    Evidence,
    LedgerImport,
    Plan,
    ProgressReport,
    ReportFrequency,
    SelfState,
    SupervisionNotice,
    Task,
)
from fazhi.plans.periods import plan_start, recent
from fazhi.plans.status import CSS, SEVERITY, task_status
from fazhi.workdays.index import current_calendar


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
    """The ledger of a plan: by chapter and measure, by unit or by status; filters, search."""
    plan = selectors.plan_for(request.user, pk)
    user = _user(request)
    period = selectors.current_period(plan, request.GET.get("period"))
    by = request.GET.get("by", "measure")
    q = request.GET.get("q", "")[:100]
    status = request.GET.get("status", "")
    unit_id = int_param(request.GET.get("unit"))
    all_rows = selectors.task_rows(user, plan, period=period, with_units=by == "unit")
    rows = selectors.filter_rows(
        all_rows, q=q, status=status,
        unit_task_ids=selectors.unit_task_ids(unit_id) if unit_id else None,
    )  # fmt: skip
    targets = selectors.plan_targets(plan, all_rows)
    groups = selectors.group_rows(rows, by)
    if by == "measure":
        for group in groups:
            group.targets = targets.by_measure.get(group.rows[0].task.measure_id, [])
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "targets": targets,
            "all_count": len(all_rows),
            "groups": groups,
            "row_count": len(rows),
            "counts": selectors.status_counts(all_rows),
            "by": by,
            "q": q,
            "status": status,
            "unit_id": unit_id,
            "units": selectors.assigned_units(user, plan),
            "statuses": [str(s) for s in SEVERITY],
            "period": period,
            "periods": _period_choices(plan),
            "period_due": selectors.report_due(plan, period),
            "oversee": _can_oversee(user, plan),
            "frequencies": ReportFrequency.choices,
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


def _import_refused(request: HttpRequest, error: str) -> HttpResponse:
    _require_supervise(request)
    return _upload_page(request, error=error, status=413)


@require_http_methods(["GET", "POST"])
@uploads.gated(PLAN_UPLOAD, _import_refused)
def import_upload(request: HttpRequest) -> HttpResponse:
    _require_supervise(request)
    if request.method != "POST":
        return _upload_page(request)
    upload = request.FILES.get("file")
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
            "max_mb": PLAN_UPLOAD.limit() // 1024 // 1024,
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


@require_POST
def draft_title(request: HttpRequest, pk: int) -> HttpResponse:
    return _draft_action(
        request, pk, "",
        lambda d: services.plan_draft_set_title(
            actor=_user(request), draft_id=d.pk, title=posted(forms.TitleForm, request)["title"]
        ),
    )  # fmt: skip


@require_POST
def draft_measure(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    return _draft_action(
        request, pk, f"#m{number}",
        lambda d: services.plan_draft_set_measure_title(
            actor=_user(request), draft_id=d.pk, measure=number,
            title=posted(forms.TitleForm, request)["title"],
        ),
    )  # fmt: skip


@require_POST
def draft_task(request: HttpRequest, pk: int, number: int, position: int) -> HttpResponse:
    def run(draft: Any) -> None:
        post = posted(forms.DraftTaskForm, request)
        action = post["action"] or "save"
        common: dict[str, Any] = {
            "actor": _user(request),
            "draft_id": draft.pk,
            "measure": number,
            "task": position,
        }
        if action == "split":
            services.plan_draft_split_task(**common, text=post["text"])
        elif action == "merge":
            services.plan_draft_merge_task(**common)
        else:
            services.plan_draft_update_task(
                **common,
                text=post["text"],
                lead_units=post["lead_units"],
                responsible_units=post["responsible_units"],
                deadline=post["deadline"],
            )

    return _draft_action(request, pk, f"#t{number}-{position}", run)


@require_POST
def draft_units(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the unit table: every name whose choice the user changed."""

    def run(draft: Any) -> None:
        units = draft.data["units"]
        post = posted(forms.DraftUnitsForm, request, names=list(units))
        with transaction.atomic():
            for name, entry in units.items():
                choice = post[f"unit:{name}"]
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


# --- the work on the ledger ----------------------------------------------------------


def _plan_crumbs(plan: Plan, *last: dict[str, str]) -> list[dict[str, str]]:
    return [
        {"label": "方案台账", "url": reverse("plans:ledger")},
        {"label": plan.title, "url": reverse("plans:plan", args=[plan.pk])},
        *last,
    ]


def _can_oversee(user: User, plan: Plan) -> bool:
    if not user.has_fazhi_perm(Permission.SUPERVISE):
        return False
    owned = scope_q(
        user, unit_path="owner_unit_path", division_path="owner_division_path", owner="created_by"
    )
    return bool(Plan.objects.filter(owned, pk=plan.pk).exists())


def _period_choices(plan: Plan) -> list[Any]:
    return recent(plan.report_frequency, timezone.localdate(), 8, since=plan_start(plan).day)


@require_GET
def plan_matrix(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_for(request.user, pk)
    return render(
        request,
        "plans/matrix.html",
        {
            "plan": plan,
            "matrix": selectors.matrix_for(request.user, plan),
            "legend": [(str(s), CSS[s]) for s in SEVERITY],
            "breadcrumbs": _plan_crumbs(plan, {"label": "单位×措施矩阵"}),
        },
    )


@require_GET
def plan_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """任务分工台账 (.xlsx) or the progress summary (.docx) of a period."""
    plan = selectors.plan_for(request.user, pk)
    period = selectors.current_period(plan, request.GET.get("period"))
    user = _user(request)
    if fmt == "xlsx":
        rows = selectors.export_rows(user, plan, period)
        data = excel.write_ledger(plan, period, rows, user.unit_id, unit=issuing_unit(user))
        name, kind = f"{plan.title}任务分工台账（{period.label}）.xlsx", XLSX
    else:
        rows = selectors.export_rows(user, plan, period, editable=False)
        data = word.summary_docx(plan, period, rows)
        name, kind = f"{plan.title}推进情况汇总（{period.label}）.docx", word.DOCX
    response = HttpResponse(data, content_type=kind)
    response["Content-Disposition"] = _attachment(name)
    return response


@require_POST
def plan_reporting(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_for(request.user, pk)
    try:
        post = posted(forms.ReportingForm, request)
        services.plan_set_reporting(
            actor=_user(request), plan_id=plan.pk,
            frequency=post["frequency"], workdays=post["workdays"] or 0,
        )  # fmt: skip
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, "报送周期已保存。")
    return redirect("plans:plan", pk=plan.pk)


def _ledger_refused(request: HttpRequest, error: str, pk: int) -> HttpResponse:
    return _ledger_page(request, selectors.plan_for(request.user, pk), error, status=413)


@require_http_methods(["GET", "POST"])
@uploads.gated(LEDGER_UPLOAD, _ledger_refused)
def ledger_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Bring an exported ledger back: upload → preview of changes → confirm."""
    plan = selectors.plan_for(request.user, pk)
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = "请选择要导入的台账文件（.xlsx）"
        else:
            try:
                item = services.ledger_import_prepare(
                    actor=_user(request), plan_id=plan.pk, name=upload.name or "台账.xlsx",
                    data=upload.read(),
                )  # fmt: skip
            except ValidationError as exc:
                error = _error_text(exc)
            else:
                return redirect("plans:ledger_import_preview", pk=item.pk)
    return _ledger_page(request, plan, error, status=400 if error else 200)


def _ledger_page(request: HttpRequest, plan: Plan, error: str, *, status: int) -> HttpResponse:
    return render(
        request,
        "plans/ledger_import.html",
        {"plan": plan, "error": error, "breadcrumbs": _plan_crumbs(plan, {"label": "导入台账"})},
        status=status,
    )


@require_GET
def ledger_import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_visible_or_404(LedgerImport.objects.all(), request.user, pk=pk)
    plan = selectors.plan_for(request.user, item.plan_id)
    return render(
        request,
        "plans/ledger_import_preview.html",
        {
            "item": item,
            "plan": plan,
            "period": selectors.current_period(plan, item.period_key),
            "breadcrumbs": _plan_crumbs(plan, {"label": "导入预览"}),
        },
    )


@require_POST
def ledger_import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_visible_or_404(LedgerImport.objects.all(), request.user, pk=pk)
    plan_id = item.plan_id
    try:
        action = posted(forms.LedgerConfirmForm, request)["action"]
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("plans:ledger_import_preview", pk=item.pk)
    if action == "discard":
        services.ledger_import_discard(actor=_user(request), import_id=item.pk)
        messages.info(request, "已放弃本次导入，台账没有变化。")
        return redirect("plans:plan", pk=plan_id)
    try:
        count = services.ledger_import_confirm(actor=_user(request), import_id=item.pk)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("plans:ledger_import_preview", pk=item.pk)
    messages.success(request, f"已更新 {count} 项任务的进展。")
    return redirect("plans:plan", pk=plan_id)


MY_TASKS_PAGE = 100


@require_GET
def my_tasks(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:100]
    status = request.GET.get("status", "")
    mine = request.GET.get("mine") == "1"
    facts = selectors.my_task_facts(request.user, q=q, status=status, mine=mine)
    page = Paginator(facts, MY_TASKS_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "plans/my_tasks.html",
        {
            "rows": selectors.my_tasks(request.user, facts=list(page.object_list)),
            "page": page,
            "total": len(facts),
            "q": q,
            "status": status,
            "mine": mine,
            "statuses": [str(s) for s in SEVERITY],
            "unit": _user(request).unit,
            "breadcrumbs": [{"label": "我的任务"}],
        },
    )


@require_GET
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task: Task = get_visible_or_404(
        Task.objects.select_related("plan", "measure", "current_consolidation"),
        request.user, pk=pk,
    )  # fmt: skip
    user = _user(request)
    plan = task.plan
    period = selectors.current_period(plan, request.GET.get("period"))
    lead_ids = set(task.lead_units.values_list("pk", flat=True))
    unit_ids = lead_ids | set(task.responsible_units.values_list("pk", flat=True))
    reports = list(
        ProgressReport.objects.visible_to(user)
        .filter(task=task, period_key=period.key, is_current=True)
        .select_related("owner_unit", "created_by")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.listed()))
    )
    own = next((r for r in reports if r.owner_unit_id == user.unit_id), None)
    consolidation = (
        Consolidation.objects.visible_to(user)
        .filter(task=task, period_key=period.key, is_current=True)
        .first()
    )
    can_report = user.has_fazhi_perm(Permission.REPORT) and user.unit_id in unit_ids
    is_lead = can_report and user.unit_id in lead_ids
    oversee = _can_oversee(user, plan)
    reviewing = consolidation is not None and consolidation.state != "returned"
    returnable = {
        r.pk
        for r in reports
        if r.state == "submitted"
        and not reviewing
        and (oversee or (is_lead and r.owner_unit_id != user.unit_id))
    }
    today = timezone.localdate()
    # A unit that reports sees its own share: sent back only if its report was (or, for the
    # lead unit, its consolidation), as in 我的任务.
    returned = None
    if can_report and not oversee:
        returned = (own is not None and own.state == "returned") or (
            is_lead and consolidation is not None and consolidation.state == "returned"
        )
    status = task_status(task, today=today, calendar=current_calendar(), returned=returned)
    return render(
        request,
        "plans/task_detail.html",
        {
            "task": task,
            "plan": plan,
            "period": period,
            "periods": _period_choices(plan),
            "period_due": selectors.report_due(plan, period),
            "status": status,
            "status_css": CSS[status],
            "lead_units": task.lead_units.all(),
            "responsible_units": task.responsible_units.all(),
            "reports": reports,
            "own": own,
            "returnable": returnable,
            "consolidation": consolidation,
            "can_report": can_report,
            "is_lead": is_lead,
            "oversee": oversee,
            "self_states": SelfState.choices,
            "timeline": selectors.timeline_for(user, task),
            "units_for_assign": Organisation.objects.visible_to(user).filter(is_active=True)
            if oversee
            else [],
            "notice_units": [*task.lead_units.all(), *task.responsible_units.all()],
            "accept_types": EVIDENCE_UPLOADS.accept(),
            "max_mb": EVIDENCE_UPLOADS.limit() // 1024 // 1024,
            "max_files": EVIDENCE_UPLOADS.max_files,
            "breadcrumbs": _plan_crumbs(plan, {"label": f"任务 {task.code}"}),
        },
    )


def _task_action(request: HttpRequest, pk: int, run: Any, done: str) -> HttpResponse:
    task: Task = get_visible_or_404(Task.objects.all(), request.user, pk=pk)
    try:
        run(task)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, done)
    try:
        period = posted(forms.PeriodForm, request)["period_key"]
    except ValidationError:
        period = ""
    suffix = f"?period={period}" if period else ""
    return redirect(reverse("plans:task", args=[task.pk]) + suffix)


def _report_refused(request: HttpRequest, error: str, pk: int) -> HttpResponse:
    messages.error(request, f"进展未报送：{error}")
    return redirect(reverse("plans:task", args=[pk]))


@require_POST
@uploads.gated(EVIDENCE_UPLOADS, _report_refused)
def task_report(request: HttpRequest, pk: int) -> HttpResponse:
    def run(task: Task) -> None:
        files = uploads.read(EVIDENCE_UPLOADS, request.FILES.getlist("evidence"))
        post = posted(forms.ReportForm, request)
        services.progress_report_submit(
            actor=_user(request), task_id=task.pk, period_key=post["period_key"],
            text=post["text"], self_state=post["self_state"], files=files,
            base_id=post["base_id"], remove_evidence=post["remove_evidence"] or [],
        )  # fmt: skip

    return _task_action(request, pk, run, "进展已报送。")


@require_POST
def task_consolidate(request: HttpRequest, pk: int) -> HttpResponse:
    def run(task: Task) -> None:
        post = posted(forms.ConsolidateForm, request)
        services.consolidation_submit(
            actor=_user(request), task_id=task.pk, period_key=post["period_key"],
            text=post["text"], self_state=post["self_state"], base_id=post["base_id"],
        )  # fmt: skip

    return _task_action(request, pk, run, "汇总进展已报送，等待审核。")


@require_POST
def consolidation_decide(request: HttpRequest, pk: int) -> HttpResponse:
    consolidation = get_visible_or_404(Consolidation.objects.all(), request.user, pk=pk)
    accept = False
    try:
        post = posted(forms.DecisionForm, request)
        accept = post["decision"] == "accept"
        services.consolidation_decide(
            actor=_user(request), consolidation_id=consolidation.pk, accept=accept,
            comment=post["comment"],
        )  # fmt: skip
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, "已审核通过。" if accept else "已退回，牵头单位将收到通知。")
    url = reverse("plans:task", args=[consolidation.task_id])
    return redirect(f"{url}?period={consolidation.period_key}")


@require_POST
def report_return(request: HttpRequest, pk: int) -> HttpResponse:
    """Send one unit's report back to that unit."""
    report = get_visible_or_404(ProgressReport.objects.all(), request.user, pk=pk)
    try:
        services.progress_report_return(
            actor=_user(request),
            report_id=report.pk,
            comment=posted(forms.CommentForm, request)["comment"],
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, "已退回该单位的进展，该单位将收到通知。")
    url = reverse("plans:task", args=[report.task_id])
    return redirect(f"{url}?period={report.period_key}")


@require_POST
def task_assign(request: HttpRequest, pk: int) -> HttpResponse:
    def run(task: Task) -> None:
        post = posted(forms.AssignForm, request)
        services.task_assign(
            actor=_user(request), task_id=task.pk, lead_unit_ids=post["lead"] or [],
            responsible_unit_ids=post["responsible"] or [],
        )  # fmt: skip

    return _task_action(request, pk, run, "任务分工已调整。")


@require_POST
def task_supervise(request: HttpRequest, pk: int) -> HttpResponse:
    def run(task: Task) -> None:
        post = posted(forms.SuperviseForm, request)
        services.supervision_issue(
            actor=_user(request), task_id=task.pk, unit_ids=post["units"] or [],
            reason=post["reason"], requirement=post["requirement"],
            reply_workdays=post["reply_workdays"] or 0,
        )  # fmt: skip

    return _task_action(request, pk, run, "督办单已签发。")


@require_GET
def evidence_download(request: HttpRequest, pk: int) -> HttpResponse:
    item: Evidence = get_visible_or_404(Evidence.objects.all(), request.user, pk=pk)
    return uploads.download(item.file, item.name)


@require_GET
def notice_list(request: HttpRequest) -> HttpResponse:
    which = request.GET.get("show", "open")
    if which not in selectors.NOTICE_FILTERS:
        which = "open"
    today = timezone.localdate()
    rows = [
        {"row": row, "notice": row.notice, "state": state, "css": css}
        for row in selectors.notice_recipients(request.user, which, today)[:500]
        for state, css in [selectors.recipient_state(row, today)]
    ]
    return render(
        request,
        "plans/notice_list.html",
        {
            "rows": rows, "show": which, "filters": selectors.NOTICE_FILTERS.items(),
            "breadcrumbs": [{"label": "督办"}],
        },
    )  # fmt: skip


def _notice_page(request: HttpRequest, pk: int) -> dict[str, Any]:
    notice: SupervisionNotice = get_visible_or_404(
        SupervisionNotice.objects.select_related(
            "task", "task__plan", "owner_unit", "created_by", "follows"
        ),
        request.user, pk=pk,
    )  # fmt: skip
    user = _user(request)
    page = selectors.notice_page(user, notice, timezone.localdate())
    return {
        **page,
        "notice": notice,
        "breadcrumbs": [{"label": "督办", "url": reverse("plans:notices")},
                        {"label": notice.number}],
    }  # fmt: skip


@require_GET
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "plans/notice_detail.html", _notice_page(request, pk))


@require_GET
def notice_print(request: HttpRequest, pk: int) -> HttpResponse:
    """督办单 for printing (A4, @media print): number, 主送, 事由, 要求, 回复期限, issuer, date."""
    return render(request, "plans/notice_print.html", _notice_page(request, pk))


@require_POST
def notice_reply(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_visible_or_404(SupervisionNotice.objects.all(), request.user, pk=pk)
    try:
        services.supervision_reply(
            actor=_user(request),
            notice_id=notice.pk,
            text=posted(forms.ReplyForm, request)["text"],
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, "已回复督办单。")
    return redirect("plans:notice", pk=notice.pk)


@require_POST
def notice_decide(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_visible_or_404(SupervisionNotice.objects.all(), request.user, pk=pk)
    try:
        post = posted(forms.NoticeDecisionForm, request)
        if post["decision"] == "close":
            services.supervision_close(
                actor=_user(request), notice_id=notice.pk, unit_id=post["unit"] or 0,
                comment=post["comment"],
            )  # fmt: skip
            done = "已办结。"
        elif post["decision"] == "reissue":
            followup = services.supervision_reissue(
                actor=_user(request), notice_id=notice.pk, unit_id=post["unit"] or 0,
                reason=post["reason"], requirement=post["requirement"],
                reply_workdays=post["reply_workdays"] or 0,
            )  # fmt: skip
            messages.success(request, f"已再督办，签发{followup.number}。")
            return redirect("plans:notice", pk=followup.pk)
        else:
            raise ValidationError("请选择办结或再督办")
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, done)
    return redirect("plans:notice", pk=notice.pk)
