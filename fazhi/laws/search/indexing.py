"""What the index holds, whatever the backend: the latest version of each document, as one
row for the document and one per article (or text block), in normalised text."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db.models import F, OuterRef, Q, Subquery

from fazhi.laws.models import (
    KIND_ORDER,
    LawDocument,
    LawVersion,
    Provision,
    ProvisionKind,
    SearchChunk,
    SearchDoc,
    Status,
)
from fazhi.laws.text import for_search

CHUNK_FACTOR = 100_000  # chunk id = rank_key * CHUNK_FACTOR + seq
KEY_FACTOR = 1_000_000_000  # rank_key = prior bucket * KEY_FACTOR + document id
INDEXED_KINDS = {ProvisionKind.ARTICLE, ProvisionKind.TEXT}


def rank_key(document: LawDocument) -> int:
    """Smaller is more authoritative: documents in force first, then by kind."""
    bucket: int = (0 if document.status == Status.IN_FORCE else 7) + KIND_ORDER.get(
        document.kind, 6
    )
    return bucket * KEY_FACTOR + document.pk


@dataclass
class IndexedDocument:
    doc: SearchDoc
    chunks: list[SearchChunk]


def latest_versions(document_ids: Iterable[int]) -> dict[int, LawVersion]:
    latest: dict[int, LawVersion] = {}
    versions = LawVersion.objects.filter(document_id__in=list(document_ids)).order_by(
        "document_id", "-version_date"
    )
    for version in versions.select_related("document"):
        latest.setdefault(version.document_id, version)
    return latest


def build(document_ids: Iterable[int]) -> Iterator[IndexedDocument]:
    """The rows for these documents (documents without a version yield nothing)."""
    versions = latest_versions(document_ids)
    provisions: dict[int, list[Provision]] = {}
    rows = Provision.objects.filter(
        version_id__in=[v.pk for v in versions.values()], kind__in=INDEXED_KINDS
    ).order_by("version_id", "seq")
    for provision in rows:
        provisions.setdefault(provision.version_id, []).append(provision)
    for document_id, version in versions.items():
        document = version.document
        key = rank_key(document)
        doc = SearchDoc(
            document=document,
            version=version,
            rank_key=key,
            title=for_search(document.title),
            kind=document.kind,
            status=document.status,
            issuing_body=document.issuing_body,
            year=version.version_date.year,
            version_date=version.version_date,
            body="",
        )
        chunks: list[SearchChunk] = []
        if version.preamble:
            chunks.append(
                SearchChunk(
                    id=key * CHUNK_FACTOR,
                    doc_id=document_id,
                    provision=None,
                    label="",
                    anchor="history",
                    text=for_search(version.preamble),
                )
            )
        for provision in provisions.get(version.pk, []):
            text = f"{provision.label} {provision.text}" if provision.label else provision.text
            chunks.append(
                SearchChunk(
                    id=key * CHUNK_FACTOR + provision.seq + 1,
                    doc_id=document_id,
                    provision_id=provision.pk,
                    label=provision.label,
                    anchor=provision.anchor,
                    text=for_search(text),
                )
            )
        doc.body = "\n".join([doc.title, *(c.text for c in chunks)])
        yield IndexedDocument(doc, chunks)


def stale_documents() -> list[int]:
    """Documents whose index rows are missing, or were built from another version or status
    than the document has now: what an interrupted import or rebuild leaves behind."""
    latest = LawVersion.objects.filter(document=OuterRef("pk")).order_by("-version_date")
    return list(
        LawDocument.objects.annotate(latest=Subquery(latest.values("pk")[:1]))
        .filter(latest__isnull=False)
        .filter(
            Q(search_doc__isnull=True)
            | ~Q(search_doc__version_id=F("latest"))
            | ~Q(search_doc__status=F("status"))
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
