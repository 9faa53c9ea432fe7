"""`fazhi laws …`: import the corpus, search from scripts, reindex, load the demo texts,
and the timer's work on normative documents (expiry)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser
from django.utils import timezone

from fazhi.core.commands import Command as FazhiCommand
from fazhi.laws.models import SearchDoc
from fazhi.laws.search import Filters, QueryError, get_backend, search


class Command(FazhiCommand):
    help = "法规库：导入文本库、检索、重建索引、载入演示数据、处理到期文件"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="导入法规文本库目录（可重复执行，只处理变化的文件）")
        imp.add_argument("path")
        imp.add_argument("--quiet", action="store_true", help="不列出跳过的文件")
        find = sub.add_parser("search", help="检索并输出结果")
        find.add_argument("query")
        find.add_argument("--format", choices=["json", "text"], default="text")
        find.add_argument("--limit", type=int, default=10)
        find.add_argument("--kind", default="")
        find.add_argument("--status", default="")
        find.add_argument("--year", type=int)
        find.add_argument("--body", default="")
        find.add_argument("--sort", choices=["relevance", "date"], default="relevance")
        rebuild = sub.add_parser("reindex", help="重建全部检索索引")
        rebuild.add_argument(
            "--missing", action="store_true", help="只补建缺失或过期的索引（如导入或重建中断后）"
        )
        sub.add_parser("demo", help="载入演示用法规（可重复执行）")
        sub.add_parser("tick", help="将有效期已届满的规范性文件标为失效")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "import":
            self._import(Path(options["path"]), quiet=options["quiet"])
        elif action == "search":
            self._search(options)
        elif action == "reindex" and options["missing"]:
            self.stdout.write(f"补建索引 {get_backend().repair()} 件。")
        elif action == "reindex":
            get_backend().rebuild()
            self.stdout.write(f"索引已重建：{SearchDoc.objects.count()} 件。")
        elif action == "demo":
            from fazhi.laws.demo import load_demo_laws

            for title in load_demo_laws():
                self.stdout.write(f"已载入：{title}")
        elif action == "tick":
            from fazhi.laws.services import normative_expire_due

            for doc in normative_expire_due(actor=None, today=timezone.localdate()):
                self.stdout.write(f"已失效：{doc.title}（有效期至 {doc.expires_on}）")

    def _import(self, path: Path, *, quiet: bool) -> None:
        from fazhi.laws.importer import laws_import

        try:
            report = laws_import(
                actor=None, root=path, progress=None if quiet else self.stderr.write
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if not quiet:
            for rel, reason in report.skipped:
                self.stdout.write(f"跳过 {rel}：{reason}")
        self.stdout.write(report.summary())

    def _search(self, options: dict[str, Any]) -> None:
        try:
            results = search(
                options["query"],
                filters=Filters(
                    kind=options["kind"], status=options["status"], year=options["year"],
                    issuing_body=options["body"],
                ),
                sort=options["sort"], limit=max(1, options["limit"]),
            )  # fmt: skip
        except QueryError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        rows = [
            {
                "document": hit.title,
                "kind": hit.kind_label,
                "version_date": hit.version_date.isoformat(),
                "status": hit.status_label,
                "article": hit.article,
                "snippet": hit.snippet,
            }
            for hit in results.hits
        ]
        if options["format"] == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for note in results.notes:
            self.stdout.write(note)
        for row in rows:
            self.stdout.write(
                f"{row['document']} {row['article'] or ''}（{row['kind']}，{row['status']}，"
                f"{row['version_date']}）\n  {row['snippet']}"
            )
