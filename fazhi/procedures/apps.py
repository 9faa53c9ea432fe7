"""The case engine: procedure definitions, event log, derived status, documents."""

from django.apps import AppConfig


class ProceduresConfig(AppConfig):
    name = "fazhi.procedures"
    label = "procedures"
    verbose_name = "案件办理引擎"
