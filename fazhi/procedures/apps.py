"""The case engine: procedure definitions, event log, derived status, documents."""

from django.apps import AppConfig


class ProceduresConfig(AppConfig):
    name = "fazhi.procedures"
    label = "procedures"
    verbose_name = "案件办理引擎"

    def ready(self) -> None:
        from fazhi.procedures import labels

        labels.register()
        from fazhi.procedures.services import recompute_open_cases
        from fazhi.workdays.registry import register_due_recomputer

        # Importing a holiday year recomputes the stored due dates of open cases.
        register_due_recomputer("procedures.cases", recompute_open_cases)
