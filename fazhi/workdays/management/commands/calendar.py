"""`fazhi calendar import|show|years`: load official holiday schedules and inspect the calendar."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandParser

from fazhi.core.commands import Command as FazhiCommand
from fazhi.workdays import selectors, services

EXIT_BAD_INPUT = 2


class Command(FazhiCommand):
    help = "工作日历：导入放假安排文件、查看某月或各年状态"

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        load = actions.add_parser("import", help="导入放假安排 JSON 文件（holiday-cn 格式）")
        load.add_argument("paths", nargs="+", metavar="PATH")
        show = actions.add_parser("show", help="显示某月日历，例如 2026-10")
        show.add_argument("month", metavar="YYYY-MM")
        actions.add_parser("years", help="列出各年日历的来源与状态")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "import":
            self._import(options["paths"])
        elif action == "show":
            self._show(options["month"])
        else:
            for row in selectors.calendar_years():
                self.stdout.write(f"{row.year}\t{row.get_status_display()}\t{row.source}")

    def _import(self, paths: list[str]) -> None:
        refused = 0
        for raw in paths:
            path = Path(raw)
            try:
                if not path.is_file():
                    raise ValidationError(f"{raw}：文件不存在")
                if path.stat().st_size > services.MAX_HOLIDAY_FILE_BYTES:
                    raise ValidationError(f"{raw}：文件过大")
                try:
                    text = path.read_text(encoding="utf-8")
                except UnicodeDecodeError:
                    raise ValidationError(f"{raw}：不是 UTF-8 文本") from None
                result = services.calendar_import(actor=None, text=text, filename=path.name)
            except ValidationError as exc:
                refused += 1
                for message in exc.messages:
                    self.stderr.write(f"未导入：{message}")
                continue
            self.stdout.write(f"{path.name}：{result.summary()}")
        if refused:
            raise SystemExit(EXIT_BAD_INPUT)

    def _show(self, month_text: str) -> None:
        try:
            first = date.fromisoformat(f"{month_text}-01")
        except ValueError:
            self.stderr.write(f"月份“{month_text}”格式不正确，应为 YYYY-MM")
            raise SystemExit(EXIT_BAD_INPUT) from None
        month = selectors.month_view(first.year, first.month)
        status = "官方" if month.official else "推算（暂定）"
        self.stdout.write(f"{first.year}年{first.month}月（{status}）")
        for cell in month.days:
            if cell.day.month != first.month:
                continue
            kind = "上班" if cell.is_workday else "休息"
            extra = f"  {cell.name}" if cell.name else ""
            source = f"  [{cell.source}]" if cell.source else ""
            weekday = "一二三四五六日"[cell.day.weekday()]
            self.stdout.write(f"{cell.day.isoformat()} 周{weekday} {kind}{extra}{source}")
