"""Plans: parsing, import, task ledger, progress reports, supervision."""

from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "fazhi.plans"
    label = "plans"
    verbose_name = "实施方案任务台账"
