"""Core: divisions, organisations, users, roles, data scopes, audit, page shell."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "fazhi.core"
    label = "core"
    verbose_name = "基础数据与权限"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from fazhi.core import (
            nav,
            signals,  # noqa: F401  (connects login/logout auditing)
        )

        post_migrate.connect(_ensure_builtin_roles, sender=self)
        nav.register(nav.NavItem("工作台", "首页", "home", order=0))
        nav.register(
            nav.NavItem(
                "系统管理", "后台管理", "admin:index", order=990, allowed=lambda u: u.is_staff
            )
        )


def _ensure_builtin_roles(**kwargs: object) -> None:
    from fazhi.core.services import roles_ensure_builtin

    roles_ensure_builtin()
