"""A few dozen real files of the shared corpus: import, idempotence, exact recall.

Skipped when ../shared/corpus/laws is not next to the project."""

from __future__ import annotations

import shutil
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from fazhi.laws.importer import laws_import
from fazhi.laws.parsing import parse_markdown, split_file_stem
from fazhi.laws.search import search
from fazhi.laws.text import clean
from tests.laws.conftest import CORPUS

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"法规文本库不存在：{CORPUS}")

FILES = [
    "诉讼与非诉讼程序法/行政复议法(2023-09-01).md",
    "诉讼与非诉讼程序法/行政复议法(2017-09-01).md",
    "诉讼与非诉讼程序法/行政诉讼法(2017-06-27).md",
    "行政法规/政府信息公开条例(2019-04-03).md",
    "行政法规/行政复议法实施条例(2007-05-29).md",
    "行政法/行政处罚法(2021-01-22).md",
    "行政法/行政许可法(2019-04-23).md",
    "行政法/行政强制法(2011-06-30).md",
]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """The named files plus every 30th file of 行政法规 and 司法解释, and two bad files."""
    chosen = [CORPUS / f for f in FILES if (CORPUS / f).exists()]
    for folder in ("行政法规", "司法解释", "DLC/北京地方法规/地方性法规/北京"):
        chosen += sorted((CORPUS / folder).glob("*.md"))[::30]
    for source in chosen:
        target = tmp_path / source.relative_to(CORPUS)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    (tmp_path / "行政法规" / "坏文件(2020-01-01).md").write_text("没有标题\n第一条 内容", "utf-8")
    (tmp_path / "行政法规" / "编码错误(2020-01-01).md").write_bytes("# 标题".encode("gbk"))
    (tmp_path / "行政法规" / "无日期的文件.md").write_text("# 无日期\n\n第一条 内容。", "utf-8")
    return tmp_path


def latest_files(root: Path) -> dict[str, Path]:
    latest: dict[str, tuple[date, Path]] = {}
    for path in root.rglob("*.md"):
        title, when = split_file_stem(path.stem)
        if when is None:  # undated files are dated by their history, as the import does
            try:
                when = parse_markdown(path.read_text("utf-8")).latest_preamble_date()
            except Exception:  # noqa: S112  (the bad files are not documents)
                continue
        key = f"{path.parent}/{title}"
        if when and (key not in latest or latest[key][0] < when):
            latest[key] = (when, path)
    return {k: v[1] for k, v in latest.items()}


@pytest.mark.django_db
def test_the_corpus_imports_and_reports_what_it_skipped(corpus):
    report = laws_import(actor=None, root=corpus)
    skipped = dict(report.skipped)
    assert "缺少一级标题" in skipped["行政法规/坏文件(2020-01-01).md"]
    assert "UTF-8" in skipped["行政法规/编码错误(2020-01-01).md"]
    assert "没有日期" in skipped["行政法规/无日期的文件.md"]
    assert report.created == report.files - 3
    again = laws_import(actor=None, root=corpus)
    assert (again.created, again.updated, again.reindexed) == (0, 0, 0)
    assert again.unchanged == report.created


@pytest.mark.django_db
def test_adding_one_file_reindexes_only_its_document(corpus, tmp_path_factory):
    laws_import(actor=None, root=corpus)
    extra = corpus / "行政法规" / "测试新增条例(2025-01-01).md"
    extra.write_text("# 测试新增条例\n\n第一条 本条例规定独一无二的测试用语。", "utf-8")
    report = laws_import(actor=None, root=corpus)
    assert (report.created, report.reindexed) == (1, 1)
    assert [h.title for h in search("独一无二").hits] == ["测试新增条例"]


@pytest.mark.django_db
def test_administrative_reconsideration_period_is_among_the_first_results(corpus):
    laws_import(actor=None, root=corpus)
    hits = search("行政复议 申请期限", limit=5).hits
    first = [(h.title, h.article) for h in hits[:3]]
    assert ("中华人民共和国行政复议法", "第二十条") in first
    article = next(h for h in hits if h.title == "中华人民共和国行政复议法")
    assert "六十日" in article.snippet


@pytest.mark.django_db
@pytest.mark.parametrize("term", ["规范性文件", "信息公开", "复议", "行政处罚决定"])
def test_a_term_finds_every_document_containing_it(corpus, term):
    laws_import(actor=None, root=corpus)
    expected = set()
    for path in latest_files(corpus).values():
        try:
            raw = path.read_text("utf-8")
            title = parse_markdown(raw).title
        except Exception:  # noqa: S112  (the bad files are not documents)
            continue
        if term in clean(raw.replace("<!-- INFO END -->", "")):
            expected.add(title)
    found = {h.title for h in search(term, limit=1000).hits}
    assert expected, f"测试样本中没有包含“{term}”的文件"
    assert found == expected


@pytest.mark.django_db
def test_control_characters_in_a_file_are_dropped_before_storing(tmp_path):
    from fazhi.laws.models import LawDocument, Provision

    folder = tmp_path / "行政法规"
    folder.mkdir()
    (folder / "控制字符条例(2020-01-01).md").write_text(
        "# 控制字符\x0b条例\n\n第一条 本条例\x1b[0m适用于\x7f全市。\n", "utf-8"
    )
    report = laws_import(actor=None, root=tmp_path)
    assert report.created == 1
    assert LawDocument.objects.get().title == "控制字符条例"
    assert Provision.objects.get().text == "本条例[0m适用于全市。"
    assert [h.title for h in search("适用于全市").hits] == ["控制字符条例"]


@pytest.mark.django_db
def test_a_file_dated_in_the_future_is_skipped_with_its_reason(tmp_path):
    folder = tmp_path / "行政法规"
    folder.mkdir()
    (folder / "未来条例(9999-12-31).md").write_text("# 未来条例\n\n第一条 内容。\n", "utf-8")
    (folder / "远古条例(1900-01-01).md").write_text("# 远古条例\n\n第一条 内容。\n", "utf-8")
    report = laws_import(actor=None, root=tmp_path)
    skipped = dict(report.skipped)
    assert "晚于" in skipped["行政法规/未来条例(9999-12-31).md"]
    assert "早于" in skipped["行政法规/远古条例(1900-01-01).md"]
    assert report.created == 0


def _small_corpus(root: Path) -> Path:
    """Six real files of two folders (five documents)."""
    chosen = [CORPUS / f for f in FILES[:6] if (CORPUS / f).exists()]
    for source in chosen:
        target = root / source.relative_to(CORPUS)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    return root


def _unindexed() -> list[str]:
    from fazhi.laws.models import LawDocument

    return list(LawDocument.objects.filter(search_doc__isnull=True).values_list("title", flat=True))


@pytest.mark.django_db(transaction=True)
def test_an_interrupted_import_leaves_no_document_unindexed(tmp_path, monkeypatch):
    """Each batch's documents are indexed in the batch's own transaction: an import stopped
    half-way (Ctrl-C, kill) has committed only documents that can be found."""
    from fazhi.laws import importer

    root = _small_corpus(tmp_path)
    monkeypatch.setattr(importer, "BATCH", 2)
    real, seen = importer._import_file, []

    def stop_at_the_fifth(path, *args):
        seen.append(path)
        if len(seen) == 5:
            raise KeyboardInterrupt
        return real(path, *args)

    monkeypatch.setattr(importer, "_import_file", stop_at_the_fifth)
    with pytest.raises(KeyboardInterrupt):
        laws_import(actor=None, root=root)
    from fazhi.laws.models import LawDocument

    assert LawDocument.objects.exists()
    assert _unindexed() == []
    monkeypatch.setattr(importer, "_import_file", real)
    again = laws_import(actor=None, root=root)
    assert (again.repaired, _unindexed()) == (0, [])
    assert search("行政复议法实施条例").hits[0].title == "中华人民共和国行政复议法实施条例"


@pytest.mark.django_db
def test_running_the_import_again_indexes_what_an_interrupted_run_left_out(tmp_path):
    """What an import that committed documents before their index rows (and was killed)
    left behind: documents without index rows. The next run finds them, indexes them and
    says so."""
    from fazhi.laws.models import LawDocument
    from fazhi.laws.search import get_backend

    root = _small_corpus(tmp_path)
    laws_import(actor=None, root=root)
    lost = list(LawDocument.objects.order_by("pk").values_list("pk", flat=True)[:3])
    get_backend().remove_documents(lost)
    assert len(_unindexed()) == 3
    out = StringIO()
    call_command("laws", "import", str(root), "--quiet", stdout=out)
    assert "补建索引 3 件" in out.getvalue()
    assert _unindexed() == []
    for law in LawDocument.objects.all():
        assert law.title in [h.title for h in search(law.title, limit=50).hits]


@pytest.mark.django_db
def test_reindex_missing_repairs_only_what_is_missing_or_stale(tmp_path):
    from fazhi.laws.models import LawDocument, SearchDoc
    from fazhi.laws.search import get_backend

    root = _small_corpus(tmp_path)
    laws_import(actor=None, root=root)
    amended = LawDocument.objects.get(short_title="行政复议法")  # two versions: 2017, 2023
    older, latest = amended.versions.order_by("version_date")
    SearchDoc.objects.filter(document=amended).update(version=older)  # index of the old text
    repealed = LawDocument.objects.get(short_title="行政诉讼法")
    LawDocument.objects.filter(pk=repealed.pk).update(status="repealed")  # index not told
    lost = LawDocument.objects.get(short_title="行政处罚法")
    get_backend().remove_documents([lost.pk])
    out = StringIO()
    call_command("laws", "reindex", "--missing", stdout=out)
    assert "补建索引 3 件" in out.getvalue()
    assert SearchDoc.objects.get(document=amended).version == latest
    assert SearchDoc.objects.get(document=repealed).status == "repealed"
    assert SearchDoc.objects.filter(document=lost).exists()
    out = StringIO()
    call_command("laws", "reindex", "--missing", stdout=out)
    assert "补建索引 0 件" in out.getvalue()
