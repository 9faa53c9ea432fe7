"""`fazhi demo`: migrate, load every module's demo data, print the demo accounts, then serve."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandParser

from fazhi.core.commands import Command as FazhiCommand
from fazhi.core.demo import DEMO_PASSWORD, load_demo


class Command(FazhiCommand):
    help = "载入演示数据并启动平台"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="只载入数据，不启动服务")
        parser.add_argument("--bind", default="127.0.0.1:8000", help="监听地址")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        accounts = load_demo()
        # Each module's demo is idempotent and builds on the units and accounts above.
        from fazhi.disclosure.demo import load_demo_requests
        from fazhi.indicators.demo import load_demo_indicators
        from fazhi.laws.demo import load_demo_laws

        laws = load_demo_laws()
        self.stdout.write(f"法规库演示文本：{len(laws)} 部")
        self.stdout.write(f"依申请公开演示申请：新增 {load_demo_requests()} 件")
        self.stdout.write(f"指标与考核演示：{load_demo_indicators()}")
        self.stdout.write(f"演示数据已就绪。演示账号（密码均为 {DEMO_PASSWORD}）：")
        width = max(len(a.username) for a in accounts)
        for a in accounts:
            self.stdout.write(f"  {a.username.ljust(width)}  {a.name}（{a.unit}）— {a.note}")
        if not options["no_serve"]:
            call_command("serve", bind=options["bind"], no_migrate=True)
