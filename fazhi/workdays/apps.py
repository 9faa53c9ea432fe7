"""Working-day calendar and statutory deadline rules."""

from typing import Any

from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "fazhi.workdays"
    label = "workdays"
    verbose_name = "工作日历与法定期限"

    def ready(self) -> None:
        from fazhi.workdays import labels

        labels.register()
        from django.db.models.signals import post_migrate

        from fazhi.core import nav

        post_migrate.connect(_seed, sender=self)
        nav.register(nav.NavItem("基础数据", "工作日历", "workdays:month", order=300))
        nav.register(nav.NavItem("基础数据", "期限规则", "workdays:rules", order=310))


def _seed(**kwargs: Any) -> None:
    # Also runs after a test flush, which empties the tables a data migration would fill.
    from fazhi.workdays.seed import seed_calendar, seed_rules

    seed_calendar()
    seed_rules()
