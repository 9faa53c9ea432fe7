"""Targets, indicator values, assessment and the annual report."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig, apps


def _supervises(user: Any) -> bool:
    from fazhi.core.models import Permission

    return bool(user.is_authenticated and user.has_fazhi_perm(Permission.SUPERVISE))


def _reports(user: Any) -> bool:
    from fazhi.core.models import Permission

    return bool(user.is_authenticated and user.has_fazhi_perm(Permission.REPORT))


def _target_saved(sender: Any, instance: Any, created: bool, raw: bool = False, **kw: Any) -> None:
    """A new plan target becomes an indicator in the import's own transaction."""
    if created and not raw:
        from fazhi.indicators.services import indicator_create_from_target

        indicator_create_from_target(actor=None, target=instance)


def _records_changed(source_key: str) -> Any:
    def receiver(sender: Any, instance: Any, raw: bool = False, **kw: Any) -> None:
        if raw:
            return
        from django.db import transaction

        from fazhi.indicators import registry
        from fazhi.indicators.services import indicators_recompute

        source = registry.get_source(source_key)
        years = (
            sorted(set(source.record_years(instance))) if source and source.record_years else [None]
        )

        def recompute() -> None:
            for year in years:
                indicators_recompute(source_key=source_key, year=year)

        # After commit: a failing recomputation must never undo the record's own write.
        transaction.on_commit(recompute)

    return receiver


class IndicatorsConfig(AppConfig):
    name = "fazhi.indicators"
    label = "indicators"
    verbose_name = "指标与考核"

    def ready(self) -> None:
        from fazhi.indicators import labels

        labels.register()
        from django.db.models.signals import post_save

        from fazhi.core import nav
        from fazhi.indicators import registry

        if apps.is_installed("fazhi.disclosure"):
            from fazhi.indicators.sources import disclosure

            disclosure.register()

        post_save.connect(
            _target_saved, sender="plans.Target", dispatch_uid="indicators.target_saved"
        )
        for source in registry.sources():
            if source.model:
                post_save.connect(
                    _records_changed(source.key),
                    sender=source.model,
                    weak=False,
                    dispatch_uid=f"indicators.records.{source.key}",
                )
        _register_tick()

        nav.register(nav.NavItem("指标考核", "指标看板", "indicators:dashboard", order=300))
        nav.register(
            nav.NavItem(
                "指标考核", "指标填报", "indicators:report_list", order=310, allowed=_reports
            )
        )
        nav.register(
            nav.NavItem(
                "指标考核",
                "考核评价",
                "indicators:assessment_list",
                order=320,
                allowed=_supervises,
            )
        )
        nav.register(
            nav.NavItem(
                "指标考核", "年度报告", "indicators:report_years", order=330, allowed=_supervises
            )
        )
        nav.register_public(
            nav.PublicLink(
                "指标佐证",
                "indicators:public_index",
                "法治政府建设指标的年度完成情况及数据口径",
                order=40,
            )
        )


def _register_tick() -> None:
    from fazhi.core import jobs

    def tick(today: Any) -> str:
        from fazhi.indicators.services import indicators_recompute

        return f"{indicators_recompute()} 项数值有变化"

    jobs.register("indicators.recompute", "指标重新计算", tick)
