"""The case engine: procedure definitions, event log, derived status, documents."""

from typing import Any

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

        from django.core import checks

        checks.register(check_declarations)


def check_declarations(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    """Run by every start-up command (runserver, migrate, check, `fazhi serve`): a
    procedure declared with an unknown state, rule code, template or unreachable state
    stops the platform with its name."""
    from django.core import checks

    from fazhi.procedures import engine

    return [
        checks.Error(problem, id="procedures.E001", hint="修正该程序的声明")
        for problem in engine.check_all()
    ]
