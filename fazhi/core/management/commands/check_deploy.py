"""`fazhi check-deploy`: is this installation fit to serve real users?"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.core.checks import run_checks
from django.core.management.base import CommandError
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor

from fazhi.core import crypto
from fazhi.core.commands import Command as FazhiCommand


class Command(FazhiCommand):
    help = "检查部署配置（生产模式、密钥、数据库、迁移、静态文件、安全设置）"

    def handle(self, *args: Any, **options: Any) -> None:
        problems: list[str] = []
        warnings: list[str] = []

        def ok(text: str) -> None:
            self.stdout.write(f"  [通过] {text}")

        def fail(text: str) -> None:
            problems.append(text)
            self.stdout.write(f"  [错误] {text}")

        def warn(text: str) -> None:
            warnings.append(text)
            self.stdout.write(f"  [提示] {text}")

        self.stdout.write("部署检查：")
        if settings.PRODUCTION:
            ok("已开启生产模式（FAZHI_PRODUCTION=1）")
        else:
            fail("未开启生产模式：请设置 FAZHI_PRODUCTION=1")
        if settings.DEBUG:
            fail("调试模式已开启：生产环境请勿设置 FAZHI_DEBUG")
        else:
            ok("调试模式已关闭")
        if settings.PRODUCTION or len(settings.SECRET_KEY) >= 50:
            ok("已配置密钥")
        else:
            fail("密钥过短：请设置至少 50 个字符的 FAZHI_SECRET_KEY")
        if not settings.ALLOWED_HOSTS or "*" in settings.ALLOWED_HOSTS:
            fail("FAZHI_ALLOWED_HOSTS 未设置或包含 *：请列出本平台的域名")
        else:
            ok(f"允许的主机：{', '.join(settings.ALLOWED_HOSTS)}")
        if settings.HTTPS:
            ok("Cookie 仅经 HTTPS 发送（FAZHI_HTTPS）")
        else:
            warn("未启用 HTTPS：内网也建议在 nginx 上配置 TLS 并设置 FAZHI_HTTPS=1")

        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            ok(f"数据库可连接（{connection.vendor}）")
            executor = MigrationExecutor(connection)
            pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
            if pending:
                fail(f"有 {len(pending)} 个数据库迁移未执行：请运行 fazhi migrate")
            else:
                ok("数据库迁移已全部执行")
        except DatabaseError as exc:
            fail(f"数据库无法连接：{exc}")
        if connection.vendor == "sqlite":
            warn("使用 SQLite：适合单个办公室；全市部署请使用 PostgreSQL（FAZHI_DATABASE_URL）")

        manifest = settings.STATIC_ROOT / "staticfiles.json"
        if manifest.exists():
            ok(f"静态文件已收集（{settings.STATIC_ROOT}）")
        else:
            fail("静态文件未收集：请运行 fazhi collectstatic --noinput")

        try:
            hashlib.new("sm3")
            ok("SM3 可用（审计哈希链）")
        except ValueError:
            fail("本机 OpenSSL 不支持 SM3，审计哈希链无法工作")
        try:
            if crypto.unseal(crypto.seal("部署检查")) != "部署检查":
                raise ValueError
            ok("SM4 可用，敏感字段加密密钥有效（FAZHI_FIELD_KEY）")
        except Exception as exc:  # any failure here means nothing can be sealed
            fail(f"敏感字段无法加密（SM4 / FAZHI_FIELD_KEY）：{exc}")

        for message in run_checks(include_deployment_checks=True):
            if message.is_serious():
                fail(f"{message.id}: {message.msg}")
            else:
                warn(f"{message.id}: {message.msg}")

        if problems:
            raise CommandError(f"部署检查未通过：{len(problems)} 项错误，{len(warnings)} 项提示")
        self.stdout.write(f"部署检查通过（{len(warnings)} 项提示）。")
