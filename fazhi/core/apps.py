"""Core: divisions, organisations, users, roles, data scopes, audit, page shell."""

from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig


class CoreConfig(AppConfig):
    default = True  # this module also holds the config of django-axes
    name = "fazhi.core"
    label = "core"
    verbose_name = "基础数据与权限"

    def ready(self) -> None:
        from fazhi.core import labels

        labels.register()
        from django.db.models.signals import post_migrate

        from fazhi.core import (
            nav,
            signals,  # noqa: F401  (connects login/logout auditing)
        )
        from fazhi.core.models import Permission

        post_migrate.connect(_ensure_builtin_roles, sender=self)
        nav.register(nav.NavItem("工作台", "首页", "home", order=0))
        nav.register(nav.NavItem("工作台", "我的待办", "queue", order=1))
        nav.register(nav.NavItem("工作台", "通知", "notifications", order=2))
        from fazhi.core import notifications, selectors

        nav.register_count(
            nav.HomeCount("未读通知", notifications.unread_count, "notifications", 203)
        )
        for label, count, url, order in (
            ("可见单位", selectors.count_visible_units, "org_list", 900),
            ("可见用户", selectors.count_visible_users, "", 910),
            ("今日登录", selectors.count_logins_today, "", 920),
            ("审计事件", selectors.count_audit_events, "audit_list", 930),
        ):
            nav.register_count(nav.HomeCount(label, count, url, order))
        nav.register(nav.NavItem("系统管理", "单位管理", "org_list", order=900))
        nav.register(
            nav.NavItem(
                "系统管理",
                "用户管理",
                "user_list",
                order=910,
                allowed=lambda u: u.has_fazhi_perm(Permission.MANAGE_USERS),
            )
        )
        nav.register(
            nav.NavItem(
                "系统管理",
                "审计日志",
                "audit_list",
                order=920,
                allowed=lambda u: u.has_fazhi_perm(Permission.VIEW_AUDIT),
            )
        )
        nav.register(
            nav.NavItem(
                "系统管理", "后台管理", "admin:index", order=990, allowed=lambda u: u.is_staff
            )
        )


def _ensure_builtin_roles(**kwargs: object) -> None:
    from fazhi.core.services import roles_ensure_builtin

    roles_ensure_builtin()


class AxesConfig(AxesAppConfig):  # type: ignore[misc]
    """django-axes (login lockout), under a Chinese name in the admin."""

    verbose_name = "登录防护"
