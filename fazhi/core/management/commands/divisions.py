"""`fazhi divisions import FILE`: load a division CSV (code,name,parent_code,level)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser

from fazhi.core import services
from fazhi.core.commands import Command as FazhiCommand


class Command(FazhiCommand):
    help = "行政区划：import 导入区划代码 CSV（code,name,parent_code,level），可重复执行"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="导入区划 CSV")
        imp.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise CommandError(f"文件不存在：{path}") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"文件不是 UTF-8 编码：{path}") from exc
        try:
            counts = services.divisions_import_csv(actor=None, text=text)
        except ValidationError as exc:
            raise CommandError("导入失败，未做任何修改：\n" + "\n".join(exc.messages)) from exc
        self.stdout.write(
            f"导入完成：新增或更新 {counts['created_or_changed']} 条，未变 {counts['unchanged']} 条"
        )
