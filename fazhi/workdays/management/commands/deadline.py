"""`fazhi deadline compute`: a due date with its explanation, for scripts and support."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandParser

from fazhi.core.commands import Command as FazhiCommand
from fazhi.core.dates import parse
from fazhi.workdays.deadlines import Deadline, compute_due, compute_rule

EXIT_BAD_INPUT = 2


class Command(FazhiCommand):
    help = "计算法定期限的到期日并说明计算过程"

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        compute = actions.add_parser("compute", help="计算到期日")
        compute.add_argument("--start", help="起算日（事件发生日，不计入期限），YYYY-MM-DD")
        compute.add_argument("--amount", help="期限数量（正整数）")
        compute.add_argument("--unit", help="期限单位：workday、day、month、year")
        compute.add_argument("--rule", help="使用已存的期限规则代码，代替 --amount/--unit")
        compute.add_argument("--on", help="按此日期有效的规则版本计算（默认起算日）")
        compute.add_argument("--format", default="json", help="输出格式：json（默认）或 text")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            deadline = self._compute(options)
        except ValidationError as exc:
            # Nothing on stdout: scripts read stdout as JSON and the exit code as the verdict.
            for message in exc.messages:
                self.stderr.write(message)
            raise SystemExit(EXIT_BAD_INPUT) from None
        if options["format"] == "json":
            self.stdout.write(json.dumps(deadline.as_json(), ensure_ascii=False))
        else:
            self.stdout.write(_as_text(deadline))

    def _compute(self, options: dict[str, Any]) -> Deadline:
        if options["format"] not in ("json", "text"):
            raise ValidationError(f"输出格式“{options['format']}”无效，应为 json 或 text")
        if not options["start"]:
            raise ValidationError("缺少起算日：--start YYYY-MM-DD")
        start = parse(options["start"], "起算日")
        if options["rule"]:
            if options["amount"] or options["unit"]:
                raise ValidationError("--rule 与 --amount/--unit 不能同时使用")
            on = parse(options["on"], "规则有效日期") if options["on"] else None
            return compute_rule(code=options["rule"], start=start, on=on)
        if not options["amount"] or not options["unit"]:
            raise ValidationError("请给出 --amount 和 --unit，或用 --rule 指定期限规则")
        try:
            amount = int(options["amount"])
        except ValueError:
            raise ValidationError(f"期限数量“{options['amount']}”不是整数") from None
        return compute_due(start=start, amount=amount, unit=options["unit"])


def _as_text(deadline: Deadline) -> str:
    lines = [
        f"到期日：{deadline.due.isoformat()}",
        f"日历完整：{'是' if deadline.calendar_complete else '否（含推算年份，结果为暂定）'}",
    ]
    if deadline.legal_basis:
        lines.append(f"法律依据：{deadline.legal_basis}")
    lines.append("计算过程：")
    lines += [f"  {n}. {step}" for n, step in enumerate(deadline.explanation, start=1)]
    return "\n".join(lines)
