"""Every write of the laws module: law texts and their versions, the corpus import, and the
city's normative documents (三统一 registration, publication, 备案, 有效期, 清理).

Keyword-only, in a transaction, permission checked, audited. Periods that legal-rules.md
marks as unverified (🧠/📄) are data or settings, not literals: the 备案 period is the
DeadlineRule ``laws.normative_filing`` (30 days after publication, 江西 令第119号 📄, seeded
by this module and editable), LAWS_VALIDITY_YEARS (5) and LAWS_TRIAL_VALIDITY_YEARS (2 for
暂行/试行, 🧠), LAWS_EXPIRY_WARNING_DAYS (180, 🧠).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from fazhi.core import audit, dates, numbering
from fazhi.core.models import Organisation, Permission, User
from fazhi.core.services import _require
from fazhi.core.text import typed
from fazhi.laws.models import (
    CleanupDecision,
    CleanupOutcome,
    CleanupRound,
    Kind,
    LawDocument,
    LawVersion,
    NormativeDocument,
    NormativeStage,
    Provision,
    Source,
    Status,
)
from fazhi.laws.parsing import ParsedLaw, ParseError, parse_markdown
from fazhi.laws.search import get_backend
from fazhi.laws.text import short_title_of
from fazhi.workdays.deadlines import compute_rule
from fazhi.workdays.index import WorkCalendar, current_calendar


def setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


FILING_RULE = "laws.normative_filing"


def filing_due(published_on: date, *, calendar: WorkCalendar | None = None) -> date:
    """报送备案 due date under the stored rule, on the working-day calendar (a last day on a
    holiday moves to the next working day)."""
    return compute_rule(
        code=FILING_RULE, start=published_on, explain=False,
        calendar=calendar or current_calendar(),
    ).due  # fmt: skip


def expiry_warning_days() -> int:
    return setting("LAWS_EXPIRY_WARNING_DAYS", 180)


# --- law texts ---------------------------------------------------------------------


@dataclass
class StoreResult:
    document: LawDocument
    version: LawVersion
    change: str  # "created" | "updated" | "unchanged"


def store_version(
    *,
    source: str,
    source_key: str,
    title: str,
    short_title: str,
    kind: str,
    issuing_body: str,
    version_date: date,
    parsed: ParsedLaw,
    content_hash: str,
    source_path: str = "",
    category: str = "",
    doc_number: str = "",
) -> StoreResult:
    """Create or replace one dated version of a document (no permission check, no audit:
    callers are the audited services below). The caller reindexes the document."""
    document = LawDocument.objects.filter(source_key=source_key).first()
    if document is None:
        document = LawDocument.objects.create(
            source_key=source_key, source=source, title=title, short_title=short_title,
            kind=kind, issuing_body=issuing_body, category=category, doc_number=doc_number,
        )  # fmt: skip
    version = LawVersion.objects.filter(document=document, version_date=version_date).first()
    if version is not None and version.content_hash == content_hash:
        return StoreResult(document, version, "unchanged")
    # "自…起施行" as the text says, when it is a plausible date for this version.
    stated = parsed.effective_on
    in_force_on = stated if stated and version_date <= stated <= dates.latest() else version_date
    change = "updated" if version else "created"
    if version is None:
        version = LawVersion(document=document, version_date=version_date)
    version.in_force_on = in_force_on
    version.preamble = "\n".join(parsed.preamble)
    version.source_path = source_path
    version.content_hash = content_hash
    version.save()
    if change == "updated":
        version.provisions.all().delete()
    Provision.objects.bulk_create(
        [
            Provision(
                version=version,
                seq=seq,
                kind=p.kind,
                label=p.label[:64],
                number=p.number,
                heading=p.heading[:255],
                path=p.path[:500],
                anchor=p.anchor,
                text=p.text,
            )
            for seq, p in enumerate(parsed.provisions)
        ],
        batch_size=500,
    )
    # The document shows what its latest version says.
    latest = document.versions.order_by("-version_date").first()
    if latest is not None and latest.pk == version.pk:
        document.title = title
        document.short_title = short_title
        document.issuing_body = issuing_body or document.issuing_body
        document.issued_on = version_date
        document.effective_on = in_force_on
        document.save()
    return StoreResult(document, version, change)


def check_version_date(value: date, label: str = "版本日期") -> date:
    """A version's date (公布 or 修改): on or after dates.EARLIEST, not after today."""
    return dates.check(
        value, label=label, latest_on=timezone.localdate(),
        latest_why="版本日期是公布或修改的日期，不能晚于今天",
    )  # fmt: skip


def content_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def law_text_store(
    *,
    actor: User | None,
    title: str,
    kind: str,
    markdown: str,
    version_date: date,
    source: str = Source.DEMO,
    source_key: str = "",
    issuing_body: str = "",
    doc_number: str = "",
) -> StoreResult:
    """Store (or update) one version of a law from Markdown and reindex it."""
    _require(actor, Permission.MANAGE_SYSTEM)
    if kind not in Kind.values:
        raise ValidationError(f"法规类别“{kind}”无效")
    check_version_date(version_date)
    try:
        parsed = parse_markdown(markdown)
    except ParseError as exc:
        raise ValidationError(f"《{title}》的正文无法解析：{exc}") from exc
    with transaction.atomic():
        result = store_version(
            source=source, source_key=source_key or f"{source}/{title}", title=title,
            short_title=short_title_of(title), kind=kind, issuing_body=issuing_body,
            version_date=version_date, parsed=parsed, content_hash=content_hash(markdown),
            doc_number=doc_number,
        )  # fmt: skip
        if result.change != "unchanged":
            get_backend().index_documents([result.document.pk])
            audit.record(
                action=f"laws.version_{result.change}", actor=actor, obj=result.version,
                after={"title": title, "version_date": version_date, "kind": kind},
            )  # fmt: skip
    return result


# --- normative documents -------------------------------------------------------------

NORMATIVE_FIELDS = (
    "title", "issuing_body", "doc_number", "registration_number", "stage", "status",
    "registered_on", "published_on", "effective_on", "expires_on", "filing_due_on",
    "filed_on", "filed_with", "filing_number",
)  # fmt: skip


def _snapshot(doc: NormativeDocument) -> dict[str, Any]:
    return {name: getattr(doc, name) for name in NORMATIVE_FIELDS}


def _require_any(actor: User | None, *perms: str) -> None:
    if actor is None or any(actor.has_fazhi_perm(p) for p in perms):
        return
    _require(actor, perms[0])


def _lock_visible(actor: User | None, document: NormativeDocument) -> NormativeDocument:
    """The row, locked, if the actor may see it (the system may see all)."""
    queryset = NormativeDocument.objects.select_for_update()
    if actor is not None:
        queryset = queryset.visible_to(actor)
    locked = queryset.filter(pk=document.pk).first()
    if locked is None:
        raise PermissionDenied("该规范性文件不在您的数据范围内。")
    return locked  # type: ignore[no-any-return]


def _parse_normative(title: str, text: str) -> ParsedLaw:
    try:
        parsed = parse_markdown(f"# {title}\n\n{text}")
    except ParseError as exc:
        raise ValidationError(f"正文无法解析：{exc}") from exc
    if not parsed.articles:
        raise ValidationError("正文应按条书写，每条以“第一条”“第二条”……开头。")
    return parsed


def normative_create(
    *,
    actor: User | None,
    title: str,
    issuing_body: str,
    text: str,
    doc_number: str = "",
    owner_unit: Organisation | None = None,
) -> NormativeDocument:
    """Record a normative document being prepared (起草中) by the actor's unit."""
    _require_any(actor, Permission.HANDLE_CASES, Permission.LEGAL_REVIEW)
    title, issuing_body = typed(title, "文件标题"), typed(issuing_body, "制定机关")
    doc_number, text = typed(doc_number, "发文字号"), typed(text, "正文")
    if not title:
        raise ValidationError("请填写文件标题。")
    if not issuing_body:
        raise ValidationError("请填写制定机关。")
    unit = owner_unit or (actor.unit if actor is not None else None)
    if unit is None:
        raise ValidationError("文件必须属于一个单位。")
    _parse_normative(title, text)
    with transaction.atomic():
        doc = NormativeDocument.objects.create(
            title=title, issuing_body=issuing_body, doc_number=doc_number, text=text,
            owner_unit=unit, created_by=actor,
        )  # fmt: skip
        audit.record(action="laws.normative_create", actor=actor, obj=doc, after=_snapshot(doc))
    return doc


REGISTRATION_SERIES = "laws.registration"


def _next_registration_number(year: int) -> str:
    """The year's next 统一登记编号 from the numbering service: consecutive however many
    reviewers register at once (the counter stays locked until the registration commits, and
    a refused one gives its number back), and past any number typed by hand."""
    while True:
        _, number = numbering.number_take(unit=None, series=REGISTRATION_SERIES, year=year)
        if not NormativeDocument.objects.filter(registration_number=number).exists():
            return number


def normative_register(
    *,
    actor: User | None,
    document: NormativeDocument,
    on: date,
    registration_number: str = "",
) -> NormativeDocument:
    """三统一: give the document its unified registration number (refused when used)."""
    _require(actor, Permission.LEGAL_REVIEW)
    with transaction.atomic():
        doc = _lock_visible(actor, document)
        if doc.stage != NormativeStage.DRAFT:
            raise ValidationError(
                f"《{doc.title}》已登记编号（{doc.registration_number}），不能重复登记。"
            )
        dates.not_future(on, label="登记日期")
        number = typed(registration_number, "统一登记编号") or _next_registration_number(on.year)
        holder = NormativeDocument.objects.filter(registration_number=number).first()
        if holder is not None:
            raise ValidationError(
                f"登记编号“{number}”已被《{holder.title}》使用，同一编号不能登记两次。"
            )
        before = _snapshot(doc)
        doc.registration_number = number
        doc.registered_on = on
        doc.registered_by = actor
        doc.stage = NormativeStage.REGISTERED
        try:
            with transaction.atomic():  # a number typed by hand, taken meanwhile by another
                doc.save()
        except IntegrityError:
            raise ValidationError(
                f"登记编号“{number}”刚被其他文件使用，同一编号不能登记两次。"
            ) from None
        audit.record(
            action="laws.normative_register", actor=actor, obj=doc, before=before,
            after=_snapshot(doc),
        )  # fmt: skip
    return doc


def default_expiry(title: str, effective_on: date) -> date:
    trial = "暂行" in title or "试行" in title
    years = setting("LAWS_TRIAL_VALIDITY_YEARS", 2) if trial else setting("LAWS_VALIDITY_YEARS", 5)
    try:
        return effective_on.replace(year=effective_on.year + years) - timedelta(days=1)
    except ValueError:  # 29 February
        return effective_on.replace(year=effective_on.year + years, day=28)


def _publish_text(doc: NormativeDocument, version_date: date) -> LawDocument:
    parsed = _parse_normative(doc.title, doc.text)
    result = store_version(
        source=Source.CITY, source_key=f"city/{doc.pk}", title=doc.title,
        short_title=doc.title, kind=Kind.NORMATIVE, issuing_body=doc.issuing_body,
        version_date=version_date, parsed=parsed, content_hash=content_hash(doc.text),
        doc_number=doc.doc_number, category="本市规范性文件",
    )  # fmt: skip
    law = result.document
    law.doc_number = doc.doc_number
    law.status = doc.status
    law.effective_on = doc.effective_on
    law.expires_on = doc.expires_on
    law.save()
    get_backend().index_documents([law.pk])
    return law


def _publication_dates(
    doc: NormativeDocument, published_on: date, effective_on: date | None, expires_on: date | None
) -> tuple[date, date]:
    """施行 and 有效期至 of a publication (defaults filled in), in range and in order:
    登记 ≤ 公布 ≤ today (publishing makes the text public at once); 公布 ≤ 施行 (自公布之日起
    施行 is the same day) < 有效期至 ≤ dates.latest() (today + FAZHI_MAX_FUTURE_YEARS)."""
    dates.check(
        published_on, label="公布日期", earliest=doc.registered_on,
        earliest_why="不能早于登记日期，文件须先统一登记编号再公布",
        latest_on=timezone.localdate(), latest_why="公布即向社会公开，不能登记尚未公布的文件",
    )  # fmt: skip
    latest_why = f"最晚可设在今后 {dates.future_years()} 年内"
    effective_on = effective_on or published_on
    dates.check(
        effective_on, label="施行日期", earliest=published_on,
        earliest_why="施行日期不能早于公布日期", latest_why=latest_why,
    )  # fmt: skip
    expires_on = expires_on or default_expiry(doc.title, effective_on)
    if expires_on <= effective_on:
        raise ValidationError("有效期截止日期应晚于施行日期。")
    dates.check(expires_on, label="有效期至", latest_why=latest_why)
    return effective_on, expires_on


def normative_publish(
    *,
    actor: User | None,
    document: NormativeDocument,
    published_on: date,
    effective_on: date | None = None,
    expires_on: date | None = None,
) -> NormativeDocument:
    """Publish a registered document: it becomes public and searchable, its filing period
    and validity start."""
    _require(actor, Permission.LEGAL_REVIEW)
    with transaction.atomic():
        doc = _lock_visible(actor, document)
        if doc.stage != NormativeStage.REGISTERED:
            raise ValidationError("文件须先统一登记编号，才能公布（三统一）。")
        effective_on, expires_on = _publication_dates(doc, published_on, effective_on, expires_on)
        before = _snapshot(doc)
        doc.stage = NormativeStage.PUBLISHED
        doc.published_on = published_on
        doc.effective_on = effective_on
        doc.expires_on = expires_on
        doc.filing_due_on = filing_due(published_on)
        doc.published_by = actor
        doc.law_document = _publish_text(doc, published_on)
        doc.save()
        audit.record(
            action="laws.normative_publish", actor=actor, obj=doc, before=before,
            after=_snapshot(doc),
        )  # fmt: skip
    return doc


def normative_revise(
    *, actor: User | None, document: NormativeDocument, text: str, version_date: date
) -> NormativeDocument:
    """A published document amended: a new dated version; the old one stays readable."""
    _require(actor, Permission.LEGAL_REVIEW)
    text = typed(text, "正文")
    _parse_normative(document.title, text)
    with transaction.atomic():
        doc = _lock_visible(actor, document)
        if doc.stage != NormativeStage.PUBLISHED or doc.published_on is None:
            raise ValidationError("只有已公布的文件才能修改发布新版本。")
        if version_date <= doc.published_on:
            raise ValidationError("新版本日期应晚于原公布日期。")
        check_version_date(version_date, label="新版本日期")
        before = _snapshot(doc)
        doc.text = text
        doc.status = Status.IN_FORCE
        doc.save()
        _publish_text(doc, version_date)
        audit.record(
            action="laws.normative_revise", actor=actor, obj=doc, before=before,
            after={**_snapshot(doc), "version_date": version_date},
        )  # fmt: skip
    return doc


def normative_file(
    *,
    actor: User | None,
    document: NormativeDocument,
    filed_on: date,
    filed_with: str,
    filing_number: str = "",
) -> NormativeDocument:
    """备案: the document was filed with the level above."""
    _require_any(actor, Permission.HANDLE_CASES, Permission.LEGAL_REVIEW)
    filed_with, filing_number = typed(filed_with, "备案机关"), typed(filing_number, "备案登记号")
    if not filed_with:
        raise ValidationError("请填写备案机关。")
    with transaction.atomic():
        doc = _lock_visible(actor, document)
        if doc.stage != NormativeStage.PUBLISHED or doc.published_on is None:
            raise ValidationError("文件公布后才能报送备案。")
        if filed_on < doc.published_on:
            raise ValidationError("报送备案日期不能早于公布日期。")
        dates.not_future(filed_on, label="报送备案日期")
        before = _snapshot(doc)
        doc.filed_on = filed_on
        doc.filed_with = filed_with
        doc.filing_number = filing_number
        doc.save()
        audit.record(
            action="laws.normative_file", actor=actor, obj=doc, before=before,
            after=_snapshot(doc),
        )  # fmt: skip
    return doc


def recompute_filing_due_dates(first_day: date, last_day: date) -> int:
    """Published documents not yet filed whose 备案 period spans changed calendar days get
    their due date again (run by every calendar import and day edit)."""
    cal = current_calendar()
    changed = 0
    with transaction.atomic():
        open_filings = NormativeDocument.objects.select_for_update().filter(
            stage=NormativeStage.PUBLISHED, filed_on__isnull=True, published_on__lte=last_day,
            filing_due_on__gte=first_day,
        )  # fmt: skip
        for doc in open_filings:
            assert doc.published_on is not None
            due = filing_due(doc.published_on, calendar=cal)
            if due == doc.filing_due_on:
                continue
            before = doc.filing_due_on
            doc.filing_due_on = due
            doc.save(update_fields=["filing_due_on"])
            audit.record(
                action="laws.filing_due_recomputed", obj=doc, actor_name="系统",
                before={"filing_due_on": before}, after={"filing_due_on": due},
            )  # fmt: skip
            changed += 1
    return changed


def _set_status(doc: NormativeDocument, status: str) -> None:
    doc.status = status
    doc.save()
    if doc.law_document is not None:
        law = doc.law_document
        law.status = status
        law.save()
        get_backend().index_documents([law.pk])


def normative_expire_due(*, actor: User | None, today: date) -> list[NormativeDocument]:
    """Documents whose validity ended become 失效 (run by the timer, `fazhi laws tick`).

    Refused for a day that has not come: 失效 is public and is not undone, so a run for a
    later date (``fazhi tick --today 2099-01-01``) must not end documents still in force."""
    _require(actor, Permission.LEGAL_REVIEW)
    dates.not_future(today, label="运行日期")
    expired: list[NormativeDocument] = []
    with transaction.atomic():
        due = NormativeDocument.objects.select_for_update().filter(
            stage=NormativeStage.PUBLISHED, status=Status.IN_FORCE, expires_on__lt=today
        )
        for doc in due:
            before = _snapshot(doc)
            _set_status(doc, Status.EXPIRED)
            audit.record(
                action="laws.normative_expire", actor=actor, obj=doc, before=before,
                after=_snapshot(doc),
            )  # fmt: skip
            expired.append(doc)
    return expired


# --- 清理 -----------------------------------------------------------------------------


def cleanup_round_create(*, actor: User | None, title: str, started_on: date) -> CleanupRound:
    _require(actor, Permission.LEGAL_REVIEW)
    title = typed(title, "清理工作名称")
    if not title:
        raise ValidationError("请填写清理工作名称。")
    if actor is None or actor.unit is None:
        raise ValidationError("清理工作必须由一个单位组织。")
    # A round is recorded when it begins: its conclusions (废止 at once) go into it from then.
    dates.not_future(started_on, label="开始日期")
    with transaction.atomic():
        cleanup = CleanupRound.objects.create(
            title=title, started_on=started_on, owner_unit=actor.unit, created_by=actor
        )
        audit.record(
            action="laws.cleanup_create", actor=actor, obj=cleanup,
            after={"title": cleanup.title, "started_on": started_on},
        )  # fmt: skip
    return cleanup


def cleanup_decide(
    *,
    actor: User | None,
    cleanup: CleanupRound,
    document: NormativeDocument,
    outcome: str,
    note: str = "",
) -> CleanupDecision:
    """Mark a document kept / to be amended / repealed in a round; 废止 takes effect now."""
    _require(actor, Permission.LEGAL_REVIEW)
    if outcome not in CleanupOutcome.values:
        raise ValidationError("清理结论无效，应为继续有效、修改或废止。")
    note = typed(note, "说明")
    with transaction.atomic():
        if (
            actor is not None
            and not CleanupRound.objects.visible_to(actor).filter(pk=cleanup.pk).exists()
        ):
            raise PermissionDenied("该清理工作不在您的数据范围内。")
        if cleanup.closed_on is not None:
            raise ValidationError(f"清理工作“{cleanup.title}”已结束，不能再作结论。")
        doc = _lock_visible(actor, document)
        if doc.stage != NormativeStage.PUBLISHED:
            raise ValidationError("只有已公布的文件才纳入清理。")
        before = _snapshot(doc)
        decision, _ = CleanupDecision.objects.update_or_create(
            round=cleanup, document=doc,
            defaults={"outcome": outcome, "note": note, "decided_by": actor},
        )  # fmt: skip
        if outcome == CleanupOutcome.REPEAL:
            _set_status(doc, Status.REPEALED)
        audit.record(
            action="laws.cleanup_decide", actor=actor, obj=doc, before=before,
            after={**_snapshot(doc), "outcome": outcome, "round": cleanup.pk, "note": note},
        )  # fmt: skip
    return decision


def cleanup_close(*, actor: User | None, cleanup: CleanupRound, closed_on: date) -> CleanupRound:
    _require(actor, Permission.LEGAL_REVIEW)
    with transaction.atomic():
        if (
            actor is not None
            and not CleanupRound.objects.visible_to(actor).filter(pk=cleanup.pk).exists()
        ):
            raise PermissionDenied("该清理工作不在您的数据范围内。")
        if cleanup.closed_on is not None:
            raise ValidationError("该清理工作已经结束。")
        if closed_on < cleanup.started_on:
            raise ValidationError("结束日期不能早于开始日期。")
        dates.not_future(closed_on, label="结束日期")
        cleanup.closed_on = closed_on
        cleanup.save()
        audit.record(
            action="laws.cleanup_close", actor=actor, obj=cleanup, after={"closed_on": closed_on}
        )
    return cleanup
