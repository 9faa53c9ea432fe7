"""`fazhi tick`: the periodic work of every procedure (run daily by a timer)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone

from fazhi.core import dates
from fazhi.core.commands import Command as FazhiCommand
from fazhi.procedures import engine


class Command(FazhiCommand):
    help = "执行各程序的定时任务（如逾期未补正视为放弃），由定时器每日运行"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today",
            help="按指定日期运行（YYYY-MM-DD，用于补跑错过的日子），默认今天；不能晚于今天",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        if options["today"]:
            # A later date would act on periods that have not ended yet (expire documents,
            # deem requests abandoned): the timer only catches up, it never runs ahead.
            today = dates.check(
                dates.parse(options["today"], "--today"), label="--today", latest_on=today,
                latest_why="定时任务只能补跑已经过去的日子，不能提前运行",
            )  # fmt: skip
        for name, job in engine.ticks():
            self.stdout.write(f"{name}: {job(today)}")
