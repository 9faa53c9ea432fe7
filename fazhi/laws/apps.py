"""Laws, rules and normative documents, their versions and search."""

from datetime import date
from typing import Any

from django.apps import AppConfig


class LawsConfig(AppConfig):
    name = "fazhi.laws"
    label = "laws"
    verbose_name = "法规规章规范性文件库"

    def ready(self) -> None:
        from fazhi.laws import labels

        labels.register()
        from django.conf import settings

        from fazhi.core import nav, numbering
        from fazhi.laws.services import REGISTRATION_SERIES

        prefix = str(getattr(settings, "LAWS_REGISTRATION_PREFIX", "抚规"))
        numbering.register_series(
            REGISTRATION_SERIES, "规范性文件统一登记编号", f"{prefix}〔{{year}}〕{{seq}}号"
        )
        from fazhi.core.models import Permission

        nav.register(nav.NavItem("法规库", "法规检索", "laws:search", order=500))
        nav.register(nav.NavItem("法规库", "规范性文件管理", "laws:normative_list", order=510))
        nav.register(
            nav.NavItem(
                "法规库",
                "文件清理",
                "laws:cleanup_list",
                order=520,
                allowed=lambda u: u.has_fazhi_perm(Permission.LEGAL_REVIEW),
            )
        )
        from django.db.models.signals import post_migrate

        from fazhi.core import jobs
        from fazhi.laws.services import recompute_filing_due_dates
        from fazhi.workdays.registry import register_due_recomputer

        post_migrate.connect(_seed_filing_rule, sender=self)
        register_due_recomputer("laws.filing", recompute_filing_due_dates)
        jobs.register("laws.normative_expire", "规范性文件有效期届满", _expire_normative_documents)
        nav.register_public(
            nav.PublicLink(
                "法规查询",
                "laws_public:search",
                "查询法律、法规、规章和本市行政规范性文件",
                order=10,
            )
        )


def _seed_filing_rule(**kwargs: Any) -> None:
    # legal-rules.md §5: 江西省规范性文件备案办法 (省政府令第119号, 2003) Art. 3 — file within 30
    # days of publication; 📄, it may have been superseded, so the period is a rule row a city
    # can change. Also runs after a test flush.
    from fazhi.laws.services import FILING_RULE
    from fazhi.workdays.models import DeadlineRule, PeriodUnit
    from fazhi.workdays.services import deadline_rule_create

    if DeadlineRule.objects.filter(code=FILING_RULE).exists():
        return
    deadline_rule_create(
        actor=None,
        code=FILING_RULE,
        name="规范性文件报送备案",
        amount=30,
        unit=PeriodUnit.DAY,
        clock_start="规范性文件公布",
        law="江西省规范性文件备案办法",
        article="第三条",
        note="省政府令第119号（2003年）：自公布之日起三十日内报送备案；该办法可能已被新的省级规定"
        "取代（未核实），可按现行规定修改本规则",
        valid_from=date(2003, 4, 9),
    )


def _expire_normative_documents(today: date) -> str:
    from django.core.exceptions import ValidationError

    from fazhi.laws.services import normative_expire_due

    try:
        expired = normative_expire_due(actor=None, today=today)
    except ValidationError as exc:  # a date the job refuses: said, and the other jobs run
        return "未处理：" + " ".join(exc.messages)
    return f"标为失效 {len(expired)} 件"
