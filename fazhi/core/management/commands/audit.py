"""`fazhi audit verify`: walk the SM3 chain and name the first event that does not fit."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import CommandError, CommandParser

from fazhi.core import audit
from fazhi.core.commands import Command as FazhiCommand


class Command(FazhiCommand):
    help = "审计日志：verify 校验哈希链是否完整"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="校验整条审计哈希链")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        result = audit.verify()
        seconds = time.perf_counter() - started
        if not result.ok:
            where = f"第 {result.broken_seq} 号事件" if result.broken_seq else "链尾"
            ident = f"（id={result.broken_id}）" if result.broken_id else ""
            raise CommandError(
                f"审计链校验失败：{where}{ident}：{result.reason}。已校验通过 {result.checked} 条。"
            )
        self.stdout.write(f"审计链完整：共 {result.checked} 条事件，用时 {seconds:.1f} 秒")
