"""Plans: parsing, import, task ledger, progress reports, supervision."""

from datetime import date
from typing import Any

from django.apps import AppConfig


def _can_import(user: Any) -> bool:
    from fazhi.core.models import Permission

    return bool(user.is_authenticated and user.has_fazhi_perm(Permission.SUPERVISE))


def _reports(user: Any) -> bool:
    from fazhi.core.models import Permission

    return bool(user.is_authenticated and user.unit_id and user.has_fazhi_perm(Permission.REPORT))


class PlansConfig(AppConfig):
    name = "fazhi.plans"
    label = "plans"
    verbose_name = "实施方案任务台账"

    def ready(self) -> None:
        from fazhi.plans import labels

        labels.register()
        from fazhi.core import nav, numbering
        from fazhi.plans import selectors, services

        numbering.register_series(services.NOTICE_SERIES, "督办单编号", "{unit}督〔{year}〕{seq}号")
        from fazhi.workdays.registry import register_due_recomputer

        nav.register(nav.NavItem("实施方案", "我的任务", "plans:mine", order=195, allowed=_reports))
        nav.register(nav.NavItem("实施方案", "方案台账", "plans:ledger", order=200))
        nav.register(nav.NavItem("实施方案", "督办", "plans:notices", order=205))
        nav.register(
            nav.NavItem("实施方案", "方案导入", "plans:import", order=210, allowed=_can_import)
        )
        for label, count, url, order in (
            ("我的任务", selectors.count_my_tasks, "plans:mine", 200),
            ("逾期任务", selectors.count_overdue, "plans:mine", 201),
            ("待办督办", selectors.count_open_notices, "plans:notices", 202),
        ):
            nav.register_count(nav.HomeCount(label, count, url, order))
        register_due_recomputer("plans.supervision", services.recompute_notice_due_dates)
        from fazhi.core import jobs, notifications, workqueue
        from fazhi.plans import queue

        jobs.register("plans.reminders", "任务与督办单临期提醒", _send_reminders)
        for code, label in NOTIFICATION_KINDS:
            notifications.register_kind(code, label)
        workqueue.register(queue.PROVIDER)


NOTIFICATION_KINDS = (
    ("task", "新任务"), ("report", "进展报送"), ("accept", "审核通过"), ("return", "退回待改"),
    ("supervise", "督办"), ("reply", "督办回复"), ("due", "临期提醒"),
)  # fmt: skip


def _send_reminders(today: date) -> str:
    """`fazhi tick`: approaching-deadline notifications (each sent once per due date)."""
    from fazhi.plans.services import reminders_send

    return f"{reminders_send(today=today)} 条"
