"""Import of the law corpus (one Markdown file per version, ``标题(YYYY-MM-DD).md`` in
folders by kind): idempotent, incremental, and explicit about every file it skips."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from fazhi.core import audit
from fazhi.core.models import Permission, User
from fazhi.core.services import _require
from fazhi.laws.models import Kind, LawVersion, Source
from fazhi.laws.parsing import ParseError, parse_markdown, split_file_stem
from fazhi.laws.search import get_backend
from fazhi.laws.services import check_version_date, content_hash, store_version

LAW_FOLDERS = {"宪法", "宪法相关法", "民法典", "民法商法", "行政法", "经济法", "社会法", "刑法",
               "诉讼与非诉讼程序法"}  # fmt: skip
FOLDER_KIND = {"行政法规": Kind.ADMIN_REGULATION, "司法解释": Kind.JUDICIAL, "部门规章": Kind.RULE,
               "DLC": Kind.LOCAL_REGULATION, "地方性法规": Kind.LOCAL_REGULATION}  # fmt: skip
PROVINCES = {"北京": "北京市", "上海": "上海市", "重庆": "重庆市", "天津": "天津市",
             "广东": "广东省", "浙江": "浙江省", "河南": "河南省", "山东": "山东省", "江西": "江西省"}  # fmt: skip
_CONGRESS = re.compile(
    r"([\u4e00-\u9fff]{2,12}?)第[一二三四五六七八九十]+届人民代表大会(常务委员会)?"
)
MAX_FILE_BYTES = 2_000_000
BATCH = 40


@dataclass
class ImportReport:
    files: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    reindexed: int = 0
    repaired: int = 0  # documents found without their index (or with a stale one) and indexed
    seconds: float = 0.0

    def summary(self) -> str:
        return (
            f"共 {self.files} 个文件：新增版本 {self.created}，更新 {self.updated}，"
            f"未变 {self.unchanged}，跳过 {len(self.skipped)}；重建索引文件 {self.reindexed} 件；"
            + (
                f"补建索引 {self.repaired} 件（此前中断的导入或重建留下的）；"
                if self.repaired
                else ""
            )
            + f"用时 {self.seconds:.1f} 秒"
        )


def kind_of(parts: tuple[str, ...]) -> str:
    for part in parts:
        if part in LAW_FOLDERS:
            return Kind.LAW
        if part in FOLDER_KIND:
            return FOLDER_KIND[part]
    return Kind.OTHER


def issuing_body_of(kind: str, parts: tuple[str, ...], title: str, preamble: list[str]) -> str:
    head = " ".join(preamble[:3])
    if kind == Kind.LAW:
        if "全国人民代表大会常务委员会" in head:
            return "全国人民代表大会常务委员会"
        return "全国人民代表大会" if "全国人民代表大会" in head else ""
    if kind == Kind.ADMIN_REGULATION:
        return "国务院"
    if kind == Kind.JUDICIAL:
        courts = [c for c in ("最高人民法院", "最高人民检察院") if c in title or c in head]
        return "、".join(courts)
    if kind == Kind.RULE:
        return parts[1] if len(parts) > 2 else ""
    if kind == Kind.LOCAL_REGULATION:
        match = _CONGRESS.search(head)
        if match:
            return match.group(1) + "人民代表大会" + (match.group(2) or "")
        for short, province in PROVINCES.items():
            if short in parts:
                return province + "人民代表大会常务委员会"
    return ""


def corpus_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.md") if p.name != "_index.md" and p.is_file())


def laws_import(
    *,
    actor: User | None,
    root: Path,
    progress: Callable[[str], None] | None = None,
) -> ImportReport:
    """Load every version file under ``root``; files already loaded with the same content
    are left alone, and only documents that changed are reindexed.

    A batch's documents are indexed in the batch's own transaction, so an import stopped
    half-way has committed only documents that can be found; then every document whose
    index is missing or stale (left by an older, interrupted run or rebuild) is indexed,
    and the report says how many (补建索引)."""
    _require(actor, Permission.MANAGE_SYSTEM)
    if not root.is_dir():
        raise ValidationError(f"目录不存在：{root}")
    started = time.monotonic()
    report = ImportReport()
    known = dict(LawVersion.objects.values_list("source_path", "content_hash"))
    touched: set[int] = set()
    files = corpus_files(root)
    report.files = len(files)
    backend = get_backend()
    for start in range(0, len(files), BATCH):
        with transaction.atomic():
            batch: set[int] = set()
            for path in files[start : start + BATCH]:
                _import_file(path, root, known, report, batch)
            backend.index_documents(sorted(batch))
        touched |= batch
        if progress:
            progress(f"已处理 {min(start + BATCH, len(files))}/{len(files)} 个文件")
    report.reindexed = len(touched)
    report.repaired = backend.repair()
    report.seconds = time.monotonic() - started
    with transaction.atomic():
        audit.record(
            action="laws.import", actor=actor, object_type="laws.lawdocument",
            object_repr=str(root)[:255],
            after={
                "files": report.files, "created": report.created, "updated": report.updated,
                "unchanged": report.unchanged, "reindexed": report.reindexed,
                "repaired": report.repaired,
                "skipped": [f"{p}: {r}" for p, r in report.skipped[:200]],
            },
        )  # fmt: skip
    return report


def _import_file(
    path: Path, root: Path, known: dict[str, str], report: ImportReport, touched: set[int]
) -> None:
    rel = path.relative_to(root).as_posix()
    try:
        data = path.read_bytes()
        if len(data) > MAX_FILE_BYTES:
            raise ParseError(
                f"文件过大（{len(data) // 1024} KB），超过 {MAX_FILE_BYTES // 1024} KB"
            )
        raw = data.decode("utf-8")
    except UnicodeDecodeError:
        report.skipped.append((rel, "不是 UTF-8 编码的文本"))
        return
    except (OSError, ParseError) as exc:
        report.skipped.append((rel, str(exc)))
        return
    digest = content_hash(raw)
    if known.get(rel) == digest:
        report.unchanged += 1
        return
    try:
        parsed = parse_markdown(raw)
    except ParseError as exc:
        report.skipped.append((rel, str(exc)))
        return
    stem_title, file_date = split_file_stem(path.stem)
    version_date: date | None = file_date or parsed.latest_preamble_date()
    if version_date is None:
        report.skipped.append((rel, "文件名和制定沿革中都没有日期，无法确定版本"))
        return
    try:
        check_version_date(version_date)
    except ValidationError as exc:
        report.skipped.append((rel, " ".join(exc.messages)))
        return
    parts = path.relative_to(root).parts
    # The root's own name counts too: importing 行政法规/ alone still knows its kind.
    kind = kind_of((root.name, *parts))
    result = store_version(
        source=Source.CORPUS, source_key="/".join((*parts[:-1], stem_title)),
        title=parsed.title[:255], short_title=stem_title[:255], kind=kind,
        issuing_body=issuing_body_of(kind, parts, parsed.title, parsed.preamble),
        version_date=version_date, parsed=parsed, content_hash=digest, source_path=rel,
        category=parts[0] if len(parts) > 1 else "",
    )  # fmt: skip
    if result.change == "created":
        report.created += 1
    elif result.change == "updated":
        report.updated += 1
    else:
        report.unchanged += 1
    if result.change != "unchanged":
        touched.add(result.document.pk)
        known[rel] = digest
