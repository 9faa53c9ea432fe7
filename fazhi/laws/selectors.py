"""Every read of the laws module: texts in force on a date, articles and their URLs,
version comparison, and the city's normative documents as a user may see them."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from fazhi.laws.models import (
    CleanupRound,
    LawDocument,
    LawVersion,
    NormativeDocument,
    NormativeStage,
    Provision,
    ProvisionKind,
    Status,
)
from fazhi.laws.services import expiry_warning_days
from fazhi.laws.text import normalise_article_label, short_title_of


def find_document(title: str) -> LawDocument | None:
    """A document by its title or short title (行政复议法 = 中华人民共和国行政复议法);
    a document in force wins over a repealed one of the same name."""
    title = title.strip().strip("《》")
    short = short_title_of(title)
    return (
        LawDocument.objects.filter(Q(title=title) | Q(short_title=short) | Q(title=short))
        .order_by("status", "-issued_on", "pk")
        .first()
    )


def version_on(document: LawDocument, on: date | None = None) -> LawVersion | None:
    """The text in force on ``on`` (default today): the latest version whose commencement
    is on or before it; when none is in force yet, the earliest one."""
    versions = document.versions.order_by("-in_force_on", "-version_date")
    when = on or date.today()  # noqa: DTZ011  (a local calendar date)
    current = versions.filter(in_force_on__lte=when).first()
    if current is None and on is None:
        return versions.last()
    return current


def version_at(document: LawDocument, version_date: date) -> LawVersion | None:
    return document.versions.filter(version_date=version_date).first()


def article_url(law_title: str, article_label: str, on: date | None = None) -> str | None:
    """The public URL of an article, e.g. ("行政复议法", "第二十条") → /public/laws/d/7/a/第二十条/.

    With ``on``, the URL names the version in force on that date. None when the law, the
    version or the article does not exist."""
    document = find_document(law_title)
    if document is None:
        return None
    label = normalise_article_label(article_label)
    version = version_on(document, on)
    if version is None or not version.provisions.filter(label=label).exists():
        return None
    url = reverse("laws_public:article", args=[document.pk, label])
    return f"{url}?v={version.version_date:%Y-%m-%d}" if on else url


def versions_of(document: LawDocument) -> list[LawVersion]:
    return list(document.versions.order_by("-version_date"))


def provisions_of(version: LawVersion) -> list[Provision]:
    return list(version.provisions.order_by("seq"))


def table_of_contents(provisions: list[Provision]) -> list[Provision]:
    return [
        p
        for p in provisions
        if p.kind in (ProvisionKind.PART, ProvisionKind.CHAPTER, ProvisionKind.SECTION)
        or (p.kind == ProvisionKind.HEADING)
    ]


@dataclass
class ComparedArticle:
    label: str
    old: Provision | None
    new: Provision | None
    state: str  # same / changed / added / removed
    old_html: SafeString
    new_html: SafeString


def _diff_html(old: str, new: str) -> tuple[SafeString, SafeString]:
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    a: list[str] = []
    b: list[str] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            a.append(escape(old[i1:i2]))
            b.append(escape(new[j1:j2]))
            continue
        if i2 > i1:
            a.append(f"<del>{escape(old[i1:i2])}</del>")
        if j2 > j1:
            b.append(f"<ins>{escape(new[j1:j2])}</ins>")
    return mark_safe("".join(a)), mark_safe("".join(b))  # noqa: S308  (pieces escaped)


def compare_versions(old: LawVersion, new: LawVersion) -> list[ComparedArticle]:
    """Article by article, aligned by article number, with the changed text marked."""
    olds = {p.label: p for p in old.provisions.filter(kind=ProvisionKind.ARTICLE)}
    news = list(new.provisions.filter(kind=ProvisionKind.ARTICLE).order_by("seq"))
    rows: list[ComparedArticle] = []
    seen: set[str] = set()
    for p in news:
        seen.add(p.label)
        before = olds.get(p.label)
        if before is None:
            rows.append(ComparedArticle(p.label, None, p, "added", mark_safe(""), escape(p.text)))
        elif before.text == p.text:
            rows.append(
                ComparedArticle(p.label, before, p, "same", escape(before.text), escape(p.text))
            )
        else:
            a, b = _diff_html(before.text, p.text)
            rows.append(ComparedArticle(p.label, before, p, "changed", a, b))
    for label, p in olds.items():
        if label not in seen:
            rows.append(ComparedArticle(label, p, None, "removed", escape(p.text), mark_safe("")))
    return rows


# --- normative documents ---------------------------------------------------------------


def normative_for(user: object) -> QuerySet[NormativeDocument]:
    return NormativeDocument.objects.visible_to(user).select_related("owner_unit")


def normative_expiring(user: object, today: date) -> QuerySet[NormativeDocument]:
    """Published documents in force whose validity ends within the warning window."""
    horizon = date.fromordinal(today.toordinal() + expiry_warning_days())
    return (
        normative_for(user)
        .filter(stage=NormativeStage.PUBLISHED, status=Status.IN_FORCE, expires_on__lte=horizon)
        .order_by("expires_on")
    )


def normative_filing_overdue(user: object, today: date) -> QuerySet[NormativeDocument]:
    return (
        normative_for(user)
        .filter(stage=NormativeStage.PUBLISHED, filed_on__isnull=True, filing_due_on__lt=today)
        .order_by("filing_due_on")
    )


def cleanup_rounds_for(user: object) -> QuerySet[CleanupRound]:
    return CleanupRound.objects.visible_to(user)


_BODIES: tuple[float, list[str]] = (0.0, [])


def issuing_bodies(limit: int = 60) -> list[str]:
    """Issuing bodies for the search filter, most frequent first (kept for a minute: it
    groups every document)."""
    import time

    from django.db.models import Count

    global _BODIES
    if time.monotonic() - _BODIES[0] < 60:
        return _BODIES[1]
    rows = (
        LawDocument.objects.exclude(issuing_body="")
        .values("issuing_body")
        .annotate(n=Count("pk"))
        .order_by("-n", "issuing_body")[:limit]
    )
    _BODIES = (time.monotonic(), [r["issuing_body"] for r in rows])
    return _BODIES[1]
