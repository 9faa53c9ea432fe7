"""Working-day calendar and statutory deadline rules."""

from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "fazhi.workdays"
    label = "workdays"
    verbose_name = "工作日历与法定期限"
