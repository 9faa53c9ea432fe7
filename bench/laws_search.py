"""Benchmark of the law search: index build, latency (search function and HTTP), relevance.

Usage (from the project root):

    .venv/bin/python -m bench.laws_search [--db sqlite|postgres] [--generated 100000]
        [--corpus ../shared/corpus/laws] [--reuse] [--runs 200]

It uses its own database (var/bench_laws.sqlite3, or PostgreSQL database fazhi_laws_bench on
FAZHI_BENCH_PG, default postgres://postgres@127.0.0.1:5432), builds the index from the corpus
(timed: the "full index build"), adds generated normative documents, then measures p50/p95
latency of 1-3-term queries through ``fazhi.laws.search.search`` and through HTTP (Django's
test client: the full request/response stack of the public search page, no socket), the
time to add one document to the full index (incremental), and the top-1 / top-5 hit rates
of the relevance set bench/laws_queries.json with the share of expected articles shown
(``--verbose`` lists the misses). ``--reuse`` skips the build when the database already
holds it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
QUERIES = HERE / "laws_queries.json"
# 1-3-term queries for latency: common and rare terms, titles and text.
LATENCY_QUERIES = [
    "行政复议",
    "信息公开",
    "规范性文件",
    "罚款",
    "听证",
    "行政",
    "人民政府",
    "规定",
    "备案",
    "行政复议 申请期限",
    "信息公开 答复期限",
    "罚款 听证",
    "行政处罚 简易程序",
    "安全生产 责任",
    "劳动合同 试用期",
    "食品安全 标准",
    "城市管理 执法",
    "规范性文件 备案",
    "有效期 清理",
    "行政许可 听证 期限",
    "重大行政决策 合法性审查 集体讨论",
    "行政 规定 人民政府",
    "查封 扣押 期限",
    "政府采购",
    "消费者 退货",
    "个人信息 处理者 同意",
    "环境保护 按日",
    "土地 征收 补偿",
    "抚州市 规范性文件",
    "教育 收费 管理",
]


def configure(db: str) -> str:
    if db == "sqlite":
        path = Path("var/bench_laws.sqlite3").resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{path}"
    else:
        base = os.environ.get("FAZHI_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
        url = f"{base}/fazhi_laws_bench"
        import psycopg

        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = 'fazhi_laws_bench'"
            ).fetchone()
            if not exists:
                conn.execute("CREATE DATABASE fazhi_laws_bench")
    os.environ["FAZHI_DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    os.environ.setdefault("FAZHI_ALLOWED_HOSTS", "testserver,127.0.0.1")
    import django

    django.setup()
    return url


WORDS = [
    "城市管理",
    "环境卫生",
    "市容",
    "养犬",
    "停车",
    "占道经营",
    "户外广告",
    "建筑垃圾",
    "物业服务",
    "住房保障",
    "公积金",
    "教育收费",
    "学前教育",
    "义务教育",
    "医疗保障",
    "养老服务",
    "社会救助",
    "就业补贴",
    "创业担保",
    "人才引进",
    "招商引资",
    "产业扶持",
    "财政资金",
    "政府采购",
    "国有资产",
    "农村土地",
    "宅基地",
    "河道管理",
    "森林防火",
    "安全生产",
    "消防安全",
    "食品安全",
    "药品监管",
    "价格监督",
    "行政审批",
    "政务服务",
    "数据共享",
    "信用体系",
    "行政执法",
    "罚款",
    "听证",
    "备案",
    "有效期",
    "清理",
    "规范性文件",
    "信息公开",
    "补贴标准",
    "申请材料",
    "审核程序",
]
BODIES = ["抚州市人民政府", "抚州市人民政府办公室", "临川区人民政府", "南城县人民政府",
          "抚州市住房和城乡建设局", "抚州市教育局", "抚州市财政局", "抚州市市场监督管理局"]  # fmt: skip


def generated_text(rng: random.Random, n_articles: int) -> str:
    lines = []
    for i in range(1, n_articles + 1):
        a, b, c = rng.sample(WORDS, 3)
        lines.append(
            f"第{_cn(i)}条 为加强{a}工作，有关部门应当按照{b}的要求，完善{c}制度，"
            f"依法公开办理结果，接受社会监督。"
        )
    return "\n\n".join(lines)


def _cn(n: int) -> str:
    from fazhi.laws.text import int_to_cn

    return int_to_cn(n)


def generate(count: int, seed: int = 8) -> float:
    """Generated city normative documents, written in bulk (documents, versions, articles)
    and indexed through the same backend call as published ones."""
    from datetime import date, timedelta

    from django.db import transaction

    from fazhi.laws.models import Kind, LawDocument, LawVersion, Provision, Source
    from fazhi.laws.parsing import parse_markdown
    from fazhi.laws.search import get_backend

    rng = random.Random(seed)
    have = LawDocument.objects.filter(source_key__startswith="bench/").count()
    for _ in range(have):  # keep the sequence reproducible when resuming
        rng.sample(WORDS, 2), rng.choice(BODIES), rng.randint(3, 8), rng.randint(0, 5800)
    started = time.monotonic()
    backend = get_backend()
    step = 1000
    for first in range(have, count, step):
        docs, parsed, dates = [], [], []
        for i in range(first, min(first + step, count)):
            a, b = rng.sample(WORDS, 2)
            body = rng.choice(BODIES)
            title = f"{body}关于{a}和{b}的管理办法（第{i}号）"
            parsed.append(parse_markdown(f"# {title}\n\n{generated_text(rng, rng.randint(3, 8))}"))
            when = date(2010, 1, 1) + timedelta(days=rng.randint(0, 5800))
            dates.append(when)
            docs.append(
                LawDocument(
                    title=title,
                    short_title=title,
                    kind=Kind.NORMATIVE,
                    issuing_body=body,
                    source=Source.CITY,
                    source_key=f"bench/{i}",
                    issued_on=when,
                    effective_on=when,
                )
            )
        with transaction.atomic():
            LawDocument.objects.bulk_create(docs)
            versions = LawVersion.objects.bulk_create(
                [
                    LawVersion(document=d, version_date=w, in_force_on=w, content_hash="bench")
                    for d, w in zip(docs, dates, strict=True)
                ]
            )
            Provision.objects.bulk_create(
                [
                    Provision(
                        version=v,
                        seq=seq,
                        kind=p.kind,
                        label=p.label,
                        number=p.number,
                        heading=p.heading,
                        path=p.path,
                        anchor=p.anchor,
                        text=p.text,
                    )
                    for v, law in zip(versions, parsed, strict=True)
                    for seq, p in enumerate(law.provisions)
                ],
                batch_size=2000,
            )
        backend.index_documents([d.pk for d in docs])
        done = min(first + step, count)
        if done % 10000 == 0:
            print(f"  generated {done}/{count} ({time.monotonic() - started:.0f} s)", flush=True)
    return time.monotonic() - started


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]


def latency(runs: int) -> dict[str, dict[str, float]]:
    from django.test import Client

    from fazhi.laws.search import search

    rng = random.Random(1)
    plan = [rng.choice(LATENCY_QUERIES) for _ in range(runs)]
    for q in LATENCY_QUERIES:  # warm caches and jieba once
        search(q)
    func: list[float] = []
    for q in plan:
        t = time.perf_counter()
        search(q, limit=20)
        func.append((time.perf_counter() - t) * 1000)
    client = Client()
    client.get("/public/laws/", {"q": "行政复议"})
    http: list[float] = []
    for q in plan:
        t = time.perf_counter()
        response = client.get("/public/laws/", {"q": q})
        http.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, response.status_code
    by_date: list[float] = []
    for q in plan[: max(20, runs // 4)]:
        t = time.perf_counter()
        search(q, limit=20, sort="date")
        by_date.append((time.perf_counter() - t) * 1000)
    out = {}
    for name, values in (("search()", func), ("HTTP", http), ("search(sort=date)", by_date)):
        out[name] = {
            "n": len(values), "p50": round(pct(values, 50), 1), "p95": round(pct(values, 95), 1),
            "max": round(max(values), 1), "mean": round(statistics.mean(values), 1),
        }  # fmt: skip
    slow = sorted(
        ((statistics.median(v for q2, v in zip(plan, func, strict=True) if q2 == q), q)
         for q in set(plan)), reverse=True,
    )[:5]  # fmt: skip
    out["slowest queries (median ms)"] = {q: round(ms, 1) for ms, q in slow}
    return out


def incremental(times: int = 5) -> dict[str, float]:
    """Adding one document to the full index (store a version and index it, through the
    service), then a search that finds it; the document is removed again each time."""
    from datetime import date

    from fazhi.laws.models import Kind, LawDocument
    from fazhi.laws.search import get_backend, search
    from fazhi.laws.services import law_text_store

    stored, found = [], []
    for i in range(times):
        title = f"基准测试增量文件第{i}号"
        markdown = f"# {title}\n\n第一条 为检验增量索引，本文件只含一条：增量索引检验第{i}号。\n"
        t = time.perf_counter()
        law_text_store(
            actor=None, title=title, kind=Kind.NORMATIVE, markdown=markdown,
            version_date=date(2026, 1, 1), source_key=f"bench-incremental/{i}",
        )  # fmt: skip
        stored.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        hits = search(f"增量索引检验第{i}号").hits
        found.append((time.perf_counter() - t) * 1000)
        assert [h.title for h in hits] == [title], hits
        document = LawDocument.objects.get(source_key=f"bench-incremental/{i}")
        get_backend().remove_documents([document.pk])
        document.delete()
    return {
        "store+index one document (median ms)": round(statistics.median(stored), 1),
        "then found by search (median ms)": round(statistics.median(found), 1),
    }


def relevance(verbose: bool) -> dict[str, float]:
    from fazhi.laws.search import search

    cases = json.loads(QUERIES.read_text("utf-8"))
    top1 = top5 = article_ok = article_cases = 0
    for case in cases:
        hits = search(case["q"], limit=5).hits
        titles = [h.title for h in hits]
        rank = titles.index(case["document"]) + 1 if case["document"] in titles else None
        top1 += rank == 1
        top5 += rank is not None
        if case.get("article"):
            article_cases += 1
            article_ok += rank is not None and hits[rank - 1].article == case["article"]
        if verbose and rank != 1:
            print(
                f"  miss@1: {case['q']!r} → {titles[:3]} (expected {case['document']}, rank {rank})"
            )
    n = len(cases)
    return {
        "queries": n, "top1": round(top1 / n, 3), "top5": round(top5 / n, 3),
        "article_cases": article_cases,
        "article_correct": round(article_ok / article_cases, 3) if article_cases else 0.0,
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--corpus", default=str(Path("..") / "shared" / "corpus" / "laws"))
    parser.add_argument("--generated", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--reuse", action="store_true", help="keep an existing bench database")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    url = configure(args.db)
    from django.core.management import call_command

    from fazhi.laws.importer import laws_import
    from fazhi.laws.models import LawDocument, SearchChunk, SearchDoc

    print(f"database: {url.split('@')[-1]}", flush=True)
    call_command("migrate", verbosity=0)
    corpus = Path(args.corpus)
    if not corpus.is_dir():
        sys.exit(f"法规文本库不存在：{corpus}")
    if not args.reuse or not LawDocument.objects.filter(source="corpus").exists():
        if LawDocument.objects.exists():
            from fazhi.laws.search import get_backend

            get_backend().rebuild()  # empties the index fast before the rows go
            LawDocument.objects.all().delete()
        report = laws_import(actor=None, root=corpus)
        print(
            f"corpus import + full index build: {report.seconds:.1f} s ({report.summary()})",
            flush=True,
        )
        t = time.monotonic()
        from fazhi.laws.search import get_backend

        get_backend().rebuild()
        print(f"reindex of the corpus alone (rebuild): {time.monotonic() - t:.1f} s")
    if args.generated:
        seconds = generate(args.generated)
        print(f"generated normative documents up to {args.generated}: {seconds:.1f} s")
    if url.startswith("postgres"):
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE laws_searchdoc; ANALYZE laws_searchchunk")
    print(
        f"index: {SearchDoc.objects.count()} documents, {SearchChunk.objects.count()} articles/blocks"
    )
    for name, figures in latency(args.runs).items():
        print(f"latency {name}: {figures}", flush=True)
    print(f"incremental: {incremental()}", flush=True)
    print(f"relevance: {relevance(args.verbose)}")


if __name__ == "__main__":
    main()
