"""`fazhi tick`: the periodic work of every procedure (run daily by a timer)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from fazhi.procedures import engine
from fazhi.workdays.deadlines import parse_date


class Command(BaseCommand):
    help = "执行各程序的定时任务（如逾期未补正视为放弃），由定时器每日运行"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="按指定日期运行（YYYY-MM-DD），默认今天")

    def handle(self, *args: Any, **options: Any) -> None:
        today = (
            parse_date(options["today"], what="日期") if options["today"] else timezone.localdate()
        )
        for name, job in engine.ticks():
            self.stdout.write(f"{name}: {job(today)}")
