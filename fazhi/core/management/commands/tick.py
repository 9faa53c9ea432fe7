"""`fazhi tick`: the daily jobs every module registers (fazhi.core.jobs), run by a timer."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone

from fazhi.core import dates, jobs
from fazhi.core.commands import Command as FazhiCommand
from fazhi.core.commands import Refused


class Command(FazhiCommand):
    help = "执行各模块登记的每日定时任务（如逾期未补正视为放弃、临期提醒），由定时器每日运行"

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
        outcomes = jobs.run_all(today)
        for outcome in outcomes:
            stream = self.stdout if outcome.ok else self.stderr
            stream.write(f"{outcome.job.name}（{outcome.job.label}）：{outcome.line}")
        failed = [o.job.label for o in outcomes if not o.ok]
        if failed:
            raise Refused(
                f"{len(failed)} 项定时任务失败：{'、'.join(failed)}；其余 "
                f"{len(outcomes) - len(failed)} 项已完成"
            )
