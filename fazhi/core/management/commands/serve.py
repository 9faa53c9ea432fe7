"""`fazhi serve`: collect static files and run the platform under gunicorn."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandParser

from fazhi.core.commands import Command as FazhiCommand


class Command(FazhiCommand):
    help = "启动平台（gunicorn），默认监听 127.0.0.1:8000"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--bind", default="127.0.0.1:8000", help="监听地址，默认 127.0.0.1:8000"
        )
        parser.add_argument("--workers", type=int, default=2, help="工作进程数，默认 2")
        parser.add_argument("--no-migrate", action="store_true", help="启动前不执行数据库迁移")

    def handle(self, *args: Any, **options: Any) -> None:
        # Declarations (procedures, rules, templates) are checked before anything is served.
        call_command("check", verbosity=0)
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        from gunicorn.app.base import BaseApplication

        from fazhi.core import server
        from fazhi.wsgi import application

        # Migrations ran on this (the master's) connection; workers fork from here.
        server.close_connections()

        class App(BaseApplication):  # type: ignore[misc]
            def load_config(self) -> None:
                self.cfg.set("bind", options["bind"])
                self.cfg.set("workers", options["workers"])
                self.cfg.set("accesslog", None)  # our own request log says more
                self.cfg.set("timeout", 60)
                self.cfg.set("worker_class", "fazhi.core.server.Worker")
                self.cfg.set("post_fork", server.post_fork)

            def load(self) -> Any:
                return application

        self.stdout.write(f"平台已启动：http://{options['bind']}/  （Ctrl+C 停止）")
        App().run()
