"""Every read of disclosure requests, already scoped: the office list, one request with its
deadlines, the applicant's view, 答复率 / 按期答复率 and the annual report table.

Other modules (indicators, issue #9) call :func:`answer_rates` and :func:`rate_records`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from fazhi.core.models import Organisation
from fazhi.core.scoping import get_visible_or_404
from fazhi.disclosure import procedure as proc
from fazhi.disclosure.models import (
    ApplicantType,
    Channel,
    DisclosureDesk,
    DisclosureRequest,
    Outcome,
    ReplyType,
)
from fazhi.procedures.models import Case, CaseDocument, CaseEvent, Owed
from fazhi.procedures.queue import waiting_q
from fazhi.workdays.deadlines import Deadline, compute_rule, deadline_state, due_soon_workdays
from fazhi.workdays.index import WorkCalendar, current_calendar

# --- one request ------------------------------------------------------------------------


def request_for(user: Any, pk: int) -> DisclosureRequest:
    """The request if ``user`` may see it; 404 (audited) otherwise."""
    return get_visible_or_404(  # type: ignore[no-any-return]
        DisclosureRequest.objects.select_related("case", "owner_unit"), user, pk=pk
    )


@dataclass(frozen=True)
class RowStatus:
    label: str
    css: str
    note: str = ""


def row_status(
    case: Case, *, today: date | None = None, calendar: WorkCalendar | None = None
) -> RowStatus:
    """未到期 / 临期 / 已超期, or what stands in for it, derived from the stored due date."""
    if case.state == proc.SUBMITTED:
        return RowStatus("待确认收到", "warn", "网上申请，确认收到之日为收到申请之日")
    if case.due_on is None:
        return RowStatus("—", "", "")
    if case.due_paused:
        return RowStatus("计时中止", "", "征求意见期间不计入答复期限")
    status = deadline_state(case.due_on, today=today, calendar=calendar)
    if case.due_owed_by == Owed.APPLICANT:
        if status.state == "已超期":
            return RowStatus("补正期限已过", "bad", "逾期未补正，视为放弃申请（每日定时处理）")
        return RowStatus("等待补正", "", f"补正期限剩余 {status.remaining_workdays} 个工作日")
    if status.state == "已超期":
        return RowStatus("已超期", "bad", f"已超过 {status.overdue_workdays} 个工作日")
    if status.state == "临期":
        return RowStatus("临期", "warn", f"剩余 {status.remaining_workdays} 个工作日")
    return RowStatus("未到期", "ok", f"剩余 {status.remaining_workdays} 个工作日")


@dataclass(frozen=True)
class SideDeadline:
    label: str
    deadline: Deadline


def side_deadlines(request: DisclosureRequest) -> list[SideDeadline]:
    """Deadlines beside the running one: the 补正 notice window, the third party's period."""
    case = request.case
    found: list[SideDeadline] = []
    events = list(case.events.values_list("action", "on"))
    if (
        case.state == proc.RECEIVED
        and request.received_on is not None
        and all(a not in ("ask_correction", "record_supply", "supply") for a, _ in events)
    ):
        found.append(
            SideDeadline(
                "补正告知期限", compute_rule(code=proc.NOTICE_RULE, start=request.received_on)
            )
        )
    if case.state == proc.CONSULTING:
        started = max(on for a, on in events if a == "consult")
        found.append(
            SideDeadline(
                "第三方提出意见期限", compute_rule(code=proc.THIRD_PARTY_RULE, start=started)
            )
        )
    return found


def timeline(case: Case) -> list[CaseEvent]:
    return list(case.events.select_related("actor").prefetch_related("documents").order_by("seq"))


def documents_for_applicant(request: DisclosureRequest) -> list[CaseDocument]:
    return list(request.case.documents.filter(for_applicant=True).order_by("pk"))


def applicant_document(request: DisclosureRequest, pk: int) -> CaseDocument | None:
    return request.case.documents.select_related("file").filter(for_applicant=True, pk=pk).first()


# --- the office list -----------------------------------------------------------------------

LIST_STATES = (proc.RECEIVED, proc.CORRECTION, proc.CONSULTING, proc.REPLIED)


@dataclass
class ListFilters:
    unit: int | None = None
    state: str = ""
    channel: str = ""
    deadline: str = ""  # overdue | due_soon
    q: str = ""
    mine: bool = False  # only what waits for the user (the work queue's 待办理)


def open_cases(user: Any, filters: ListFilters, *, today: date | None = None) -> QuerySet[Case]:
    """Open requests by due date: the overdue come first, then the due soon, then the rest;
    requests with no running period (replied, awaiting service) last."""
    today = today or timezone.localdate()
    rows = Case.objects.visible_to(user).filter(
        procedure=proc.CODE, is_open=True, state__in=LIST_STATES
    )
    if filters.unit:
        rows = rows.filter(owner_unit_id=filters.unit)
    if filters.mine:
        rows = rows.filter(waiting_q(user, proc.CODE))
    if filters.state in LIST_STATES:
        rows = rows.filter(state=filters.state)
    if filters.channel in Channel.values:
        rows = rows.filter(disclosure__channel=filters.channel)
    office = Q(due_paused=False, due_owed_by=Owed.OFFICE)
    if filters.deadline == "overdue":
        rows = rows.filter(office, due_on__lt=today)
    elif filters.deadline == "due_soon":
        limit = current_calendar().nth_workday_after(today, due_soon_workdays())
        rows = rows.filter(office, due_on__gte=today, due_on__lte=limit)
    q = filters.q.strip()
    if q:
        rows = rows.filter(
            Q(number__icontains=q)
            | Q(disclosure__applicant_name__icontains=q)
            | Q(disclosure__query_code=q.upper())
        )
    return rows.select_related("disclosure", "owner_unit").order_by(
        F("due_on").asc(nulls_last=True), "pk"
    )


def pending_online(user: Any) -> QuerySet[Case]:
    """网上申请 waiting for the office to confirm receipt (no clock runs until then)."""
    return (
        Case.objects.visible_to(user)
        .filter(procedure=proc.CODE, state=proc.SUBMITTED)
        .select_related("disclosure", "owner_unit")
        .order_by("opened_on", "pk")
    )


def units_for(user: Any) -> QuerySet[Organisation]:
    """Units the user may filter by: those with a desk, within the user's scope."""
    desks = DisclosureDesk.objects.values("unit_id")
    return Organisation.objects.visible_to(user).filter(pk__in=desks).order_by("path")


# --- figures ------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitRate:
    """答复率 and 按期答复率 of one unit for one year.

    received: requests whose 收到申请之日 falls in the year. expected (应答复): of those, the
    ones answered or already past their due date unanswered (withdrawn, abandoned and
    still-running requests are not yet owed a reply). rate = answered / expected,
    on_time_rate = answered_on_time / expected, as fractions 0–1; None when nothing is
    expected (never a 0% made up from no requests).
    """

    unit: Organisation
    received: int
    expected: int
    answered: int
    answered_on_time: int
    rate: float | None
    on_time_rate: float | None


def _measures(today: date) -> dict[str, Q]:
    answered = Q(replied_on__isnull=False)
    overdue = Q(
        replied_on__isnull=True,
        case__is_open=True,
        case__due_paused=False,
        case__due_owed_by=Owed.OFFICE,
        case__due_on__lt=today,
    )
    return {
        "received": Q(),
        "expected": answered | overdue,
        "answered": answered,
        "answered_on_time": Q(replied_on_time=True),
        "late": Q(replied_on_time=False) | overdue,
    }


MEASURE_LABELS = {
    "received": "收到申请",
    "expected": "应答复",
    "answered": "已答复",
    "answered_on_time": "按期答复",
    "late": "逾期答复或逾期未答复",
}


def _in_year(year: int) -> Q:
    return Q(received_on__gte=date(year, 1, 1), received_on__lte=date(year, 12, 31))


def answer_rates(*, user: Any, year: int, today: date | None = None) -> list[UnitRate]:
    """Per unit the user may see (units with a desk or a request that year), by unit path."""
    today = today or timezone.localdate()
    measures = _measures(today)
    rows = (
        DisclosureRequest.objects.visible_to(user)
        .filter(_in_year(year))
        .values("owner_unit")
        .annotate(**{name: Count("pk", filter=q) for name, q in measures.items() if name != "late"})
    )
    counts = {row["owner_unit"]: row for row in rows}
    units = Organisation.objects.visible_to(user).filter(
        Q(pk__in=DisclosureDesk.objects.values("unit_id")) | Q(pk__in=list(counts))
    )
    result = []
    for unit in units.order_by("path"):
        row = counts.get(unit.pk, {})
        expected = int(row.get("expected", 0))
        answered = int(row.get("answered", 0))
        on_time = int(row.get("answered_on_time", 0))
        result.append(
            UnitRate(
                unit=unit,
                received=int(row.get("received", 0)),
                expected=expected,
                answered=answered,
                answered_on_time=on_time,
                rate=answered / expected if expected else None,
                on_time_rate=on_time / expected if expected else None,
            )
        )
    return result


def rate_records(
    *,
    user: Any,
    year: int,
    measure: str = "received",
    unit_id: int | None = None,
    today: date | None = None,
) -> QuerySet[DisclosureRequest]:
    """The requests behind one number of :func:`answer_rates` (drill-down)."""
    measures = _measures(today or timezone.localdate())
    if measure not in measures:
        raise ValueError(f"unknown measure {measure!r}")
    rows = DisclosureRequest.objects.visible_to(user).filter(_in_year(year), measures[measure])
    if unit_id is not None:
        rows = rows.filter(owner_unit_id=unit_id)
    return rows.select_related("case", "owner_unit").order_by("received_on", "pk")


# --- the annual report table ------------------------------------------------------------------

COLUMNS: list[tuple[str, str]] = [(t.value, str(t.label)) for t in ApplicantType]

# (row key, label, outcomes counted in it); section rows have no outcomes of their own.
RESULT_ROWS: list[tuple[str, str, tuple[str, ...]]] = [
    ("public", "（一）予以公开", (ReplyType.PUBLIC,)),
    ("partial", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", (ReplyType.PARTIAL,)),
    ("refused", "（三）不予公开", ()),
    ("secret", "1.属于国家秘密", (ReplyType.SECRET,)),
    ("banned", "2.其他法律行政法规禁止公开", (ReplyType.BANNED,)),
    ("security", "3.危及“三安全一稳定”", (ReplyType.SECURITY,)),
    ("third_party", "4.保护第三方合法权益", (ReplyType.THIRD_PARTY,)),
    ("internal", "5.属于三类内部事务信息", (ReplyType.INTERNAL,)),
    ("process", "6.属于四类过程性信息", (ReplyType.PROCESS,)),
    ("case_file", "7.属于行政执法案卷", (ReplyType.CASE_FILE,)),
    ("inquiry", "8.属于行政查询事项", (ReplyType.INQUIRY,)),
    ("unable", "（四）无法提供", ()),
    ("not_held", "1.本机关不掌握相关政府信息", (ReplyType.NOT_HELD,)),
    ("needs_making", "2.没有现成信息需要另行制作", (ReplyType.NEEDS_MAKING,)),
    ("still_unclear", "3.补正后申请内容仍不明确", (ReplyType.STILL_UNCLEAR,)),
    ("not_handled", "（五）不予处理", ()),
    ("petition", "1.信访举报投诉类申请", (ReplyType.PETITION,)),
    ("repeat", "2.重复申请", (ReplyType.REPEAT,)),
    ("publication", "3.要求提供公开出版物", (ReplyType.PUBLICATION,)),
    ("excessive", "4.无正当理由大量反复申请", (ReplyType.EXCESSIVE,)),
    ("reconfirm", "5.要求行政机关确认或重新出具已获取信息", (ReplyType.RECONFIRM,)),
    ("other_handling", "（六）其他处理", ()),
    ("abandoned", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", (Outcome.ABANDONED,)),
    ("unpaid", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", ()),
    ("other", "3.其他（含申请人撤回）", (ReplyType.OTHER, Outcome.WITHDRAWN)),
]  # fmt: skip
SECTIONS = {
    "refused": ("secret", "banned", "security", "third_party", "internal", "process", "case_file", "inquiry"),
    "unable": ("not_held", "needs_making", "still_unclear"),
    "not_handled": ("petition", "repeat", "publication", "excessive", "reconfirm"),
    "other_handling": ("abandoned", "unpaid", "other"),
}  # fmt: skip


@dataclass
class TableRow:
    key: str
    label: str
    cells: list[int]
    heading: bool = False
    level: int = 1

    @property
    def total(self) -> int:
        return sum(self.cells)


@dataclass
class AnnualTable:
    """收到和处理政府信息公开申请情况 (the table of 政府信息公开工作年度报告)."""

    year: int
    unit_label: str
    columns: list[tuple[str, str]] = field(default_factory=lambda: list(COLUMNS))
    new: TableRow | None = None
    carried_in: TableRow | None = None
    results: list[TableRow] = field(default_factory=list)
    results_total: TableRow | None = None
    carried_out: TableRow | None = None

    def rows(self) -> list[TableRow]:
        assert self.new
        assert self.carried_in
        assert self.results_total
        assert self.carried_out
        return [self.new, self.carried_in, *self.results, self.results_total, self.carried_out]


def _by_type(rows: QuerySet[DisclosureRequest]) -> list[int]:
    counts = dict(rows.values_list("applicant_type").annotate(n=Count("pk")).order_by())
    return [int(counts.get(code, 0)) for code, _ in COLUMNS]


def annual_table(*, user: Any, year: int, unit_id: int | None = None) -> AnnualTable:
    """The year's table for the requests ``user`` may see (optionally one unit)."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    base = DisclosureRequest.objects.visible_to(user).filter(received_on__isnull=False)
    label = "全部可见单位"
    if unit_id is not None:
        base = base.filter(owner_unit_id=unit_id)
        unit = Organisation.objects.visible_to(user).filter(pk=unit_id).first()
        label = unit.name if unit else label
    table = AnnualTable(year=year, unit_label=label)
    table.new = TableRow(
        "new", "一、本年新收政府信息公开申请数量", _by_type(base.filter(_in_year(year)))
    )
    table.carried_in = TableRow(
        "carried_in",
        "二、上年结转政府信息公开申请数量",
        _by_type(
            base.filter(received_on__lt=start).filter(
                Q(concluded_on__isnull=True) | Q(concluded_on__gte=start)
            )
        ),
    )
    concluded = (
        base.filter(concluded_on__gte=start, concluded_on__lte=end)
        .values_list("outcome", "applicant_type")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_outcome: dict[tuple[str, str], int] = {(o, t): int(n) for o, t, n in concluded}
    rows: dict[str, TableRow] = {}
    for key, text, outcomes in RESULT_ROWS:
        cells = [sum(by_outcome.get((o, code), 0) for o in outcomes) for code, _ in COLUMNS]
        rows[key] = TableRow(key, text, cells, heading=key in SECTIONS, level=2)
    for section, members in SECTIONS.items():
        rows[section].cells = [sum(rows[m].cells[i] for m in members) for i in range(len(COLUMNS))]
    for key, _, _ in RESULT_ROWS:
        if key in SECTIONS or key in ("public", "partial"):
            rows[key].level = 1
    table.results = [rows[key] for key, _, _ in RESULT_ROWS]
    top = ("public", "partial", *SECTIONS)
    table.results_total = TableRow(
        "total", "（七）总计", [sum(rows[k].cells[i] for k in top) for i in range(len(COLUMNS))]
    )
    table.carried_out = TableRow(
        "carried_out",
        "四、结转下年度继续办理",
        _by_type(
            base.filter(received_on__lte=end).filter(
                Q(concluded_on__isnull=True) | Q(concluded_on__gt=end)
            )
        ),
    )
    return table
