"""`fazhi indicators`: recompute stored figures, create missing indicators, close a year, demo."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser

from fazhi.core.commands import Command as FazhiCommand
from fazhi.indicators import services


class Command(FazhiCommand):
    help = "指标：重新计算（recompute）、补建指标（sync）、关闭年度（close-year）、演示数据（demo）"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        recompute = sub.add_parser("recompute", help="重新计算系统计算类指标（已关闭年度不变）")
        recompute.add_argument("--year", type=int, help="只计算该年度")
        recompute.add_argument("--source", help="只计算该数据来源，如 disclosure.answer_rate")
        sub.add_parser("sync", help="为尚无指标的方案指标补建指标")
        close = sub.add_parser("close-year", help="关闭年度：数值定稿，此后只能填写理由修订")
        close.add_argument("year", type=int)
        close.add_argument("--note", default="")
        sub.add_parser("demo", help="载入指标演示数据（需先运行 fazhi demo --no-serve）")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "recompute":
                changed = services.indicators_recompute(
                    source_key=options["source"], year=options["year"]
                )
                self.stdout.write(f"已重新计算：{changed} 项数值有变化")
            elif action == "sync":
                self.stdout.write(f"已补建指标：{services.indicators_sync()} 项")
            elif action == "close-year":
                services.year_close(actor=None, year=options["year"], note=options["note"])
                self.stdout.write(f"{options['year']}年度已关闭")
            elif action == "demo":
                from fazhi.indicators.demo import load_demo_indicators

                self.stdout.write(load_demo_indicators())
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
