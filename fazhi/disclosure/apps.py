"""依申请公开: disclosure requests on the case engine."""

from pathlib import Path
from typing import Any

from django.apps import AppConfig

TEMPLATES = Path(__file__).resolve().parent / "data" / "templates"


class DisclosureConfig(AppConfig):
    name = "fazhi.disclosure"
    label = "disclosure"
    verbose_name = "政府信息公开申请"

    def ready(self) -> None:
        from fazhi.disclosure import labels

        labels.register()
        from django.db.models.signals import post_migrate

        from fazhi.core import jobs, nav, notifications
        from fazhi.core.models import Permission
        from fazhi.disclosure.procedure import PROCEDURE
        from fazhi.disclosure.services import disclosure_expire_corrections, lookup_failures_clean
        from fazhi.procedures import engine
        from fazhi.procedures.documents import register_template

        engine.register(PROCEDURE)
        from fazhi.procedures.queue import register_cases

        register_cases(PROCEDURE.code, related=("disclosure__id",))
        for code, name in (
            ("receipt", "政府信息公开申请登记回执"),
            ("correction", "补正申请告知书"),
            ("consult", "政府信息公开征求意见函"),
            ("extension", "延长答复期限告知书"),
            ("reply", "政府信息公开申请答复书"),
        ):
            register_template(f"disclosure.{code}", name, TEMPLATES / f"{code}.docx")
        jobs.register(
            "disclosure.abandon", "逾期未补正视为放弃",
            lambda today: f"{disclosure_expire_corrections(today)} 件",
        )  # fmt: skip
        jobs.register(
            "disclosure.lookup_failures", "清理过期的查询失败记录",
            lambda today: f"{lookup_failures_clean(today)} 条",
        )  # fmt: skip
        notifications.register_kind("disclosure.supply", "申请人补正")
        post_migrate.connect(_seed_rule, sender=self)

        def handles(user: Any) -> bool:
            return bool(
                user.has_fazhi_perm(Permission.HANDLE_CASES)
                or user.has_fazhi_perm(Permission.SUPERVISE)
            )

        nav.register(
            nav.NavItem("案件办理", "依申请公开", "disclosure:list", order=200, allowed=handles)
        )
        nav.register(
            nav.NavItem(
                "案件办理", "公开申请统计", "disclosure:figures", order=210, allowed=handles
            )
        )
        nav.register_public(
            nav.PublicLink(
                "政府信息公开申请",
                "disclosure_public:apply",
                "在线提交申请，凭查询码查询办理进度",
                order=20,
            )
        )


def _seed_rule(**kwargs: Any) -> None:
    # Art. 30 leaves the applicant's 补正 period to the office ("合理的补正期限"); it is data
    # so that a city can set its own. Also runs after a test flush.
    from datetime import date

    from fazhi.workdays.models import DeadlineRule, PeriodUnit
    from fazhi.workdays.services import deadline_rule_create

    if DeadlineRule.objects.filter(code="disclosure.correction_reply").exists():
        return
    deadline_rule_create(
        actor=None,
        code="disclosure.correction_reply",
        name="申请人补正期限",
        amount=15,
        unit=PeriodUnit.WORKDAY,
        clock_start="申请人收到补正告知",
        law="政府信息公开条例",
        article="第三十条",
        note="条例只要求“合理的补正期限”，15 个工作日为本平台默认值（各地常见做法），可按本地规定修改；"
        "申请人无正当理由逾期不补正的，视为放弃申请",
        valid_from=date(2019, 5, 15),
    )
