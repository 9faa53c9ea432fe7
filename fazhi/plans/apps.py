"""Plans: parsing, import, task ledger, progress reports, supervision."""

from typing import Any

from django.apps import AppConfig


def _can_import(user: Any) -> bool:
    from fazhi.core.models import Permission

    return bool(user.is_authenticated and user.has_fazhi_perm(Permission.SUPERVISE))


class PlansConfig(AppConfig):
    name = "fazhi.plans"
    label = "plans"
    verbose_name = "实施方案任务台账"

    def ready(self) -> None:
        from fazhi.core import nav

        nav.register(nav.NavItem("实施方案", "方案台账", "plans:ledger", order=200))
        nav.register(
            nav.NavItem("实施方案", "方案导入", "plans:import", order=210, allowed=_can_import)
        )
