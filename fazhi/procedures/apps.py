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
        from fazhi.core import notifications

        # What notify_role sends when a case waits for a reviewer's or a head's step.
        notifications.register_kind("case.review", "案件待审核")
        notifications.register_kind("case.sign", "案件待签发")
