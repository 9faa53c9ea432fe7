"""`fazhi plan parse FILE --format json|table` prints a plan's ledger; `fazhi plan remind`
sends the day's approaching-deadline notifications."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser

from fazhi.core.commands import Command as FazhiCommand
from fazhi.plans.parsing import parse_file
from fazhi.plans.parsing.reader import check_name_and_size
from fazhi.plans.parsing.result import PlanParse


class Command(FazhiCommand):
    help = "实施方案：parse 解析方案文件并输出台账；remind 发送临期提醒（每日由定时任务运行）"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        parse = sub.add_parser("parse", help="解析方案文件，输出 JSON 或表格")
        parse.add_argument("file", help="方案文件路径")
        parse.add_argument("--format", choices=["json", "table"], default="json")
        sub.add_parser(
            "remind", help="任务和督办单临期时给相关单位发送站内通知（每项每个到期日一次）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "parse":
            self._parse(Path(options["file"]), options["format"])
        elif options["action"] == "remind":
            from fazhi.plans.services import reminders_send

            self.stdout.write(f"已发送临期提醒 {reminders_send()} 条")

    def _parse(self, path: Path, fmt: str) -> None:
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        try:
            check_name_and_size(path.name, path.stat().st_size)
            _, result = parse_file(path.name, path.read_bytes())
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        if fmt == "json":
            self.stdout.write(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(render_table(result))


def render_table(result: PlanParse) -> str:
    """A plain-text ledger for the terminal: one line per task, then targets and warnings."""
    out = [result.title or "（未识别出标题）", ""]
    chapters = {c.number: c.title for c in result.chapters}
    chapter = None
    for measure in result.measures:
        if measure.chapter != chapter:
            chapter = measure.chapter
            if chapter:
                out.append(f"({chapter}) {chapters.get(chapter, '')}")
        out.append(f"  {measure.number}. {measure.title}")
        for n, task in enumerate(measure.tasks, start=1):
            text = task.text if len(task.text) <= 40 else task.text[:39] + "…"
            deadline = f" ｜时限：{task.deadline.text}" if task.deadline else ""
            out.append(
                f"     {measure.number}.{n} {text}\n"
                f"         牵头：{'、'.join(task.lead_units) or '（未标注）'}"
                f" ｜责任：{'、'.join(task.responsible_units) or '—'}{deadline}"
            )
    out.append("")
    out.append(
        f"措施 {len(result.measures)} 项，任务 {result.task_count} 条，指标 {len(result.targets)} 个"
    )
    for target in result.targets:
        place = f"措施{target.measure}" if target.measure else target.section or "—"
        out.append(
            f"  [指标] {place}：{target.metric} {target.comparator} {target.value}{target.unit}"
        )
    for warning in result.warnings:
        out.append(f"  [提示] {warning.message}")
    return "\n".join(out)
