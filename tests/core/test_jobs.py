"""The daily-job registry (fazhi.core.jobs) and `fazhi tick`."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date

import pytest
from django.core.management import call_command

from fazhi.core import jobs
from fazhi.core.commands import Refused
from fazhi.core.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def only_these() -> Iterator[None]:
    """Replace the registry with the test's own jobs for the test's duration."""
    saved = dict(jobs._JOBS)
    jobs._JOBS.clear()
    yield
    jobs._JOBS.clear()
    jobs._JOBS.update(saved)


def test_the_modules_register_their_jobs_with_chinese_labels():
    names = [job.name for job in jobs.registered()]
    assert names == sorted(names)
    for expected in ("disclosure.abandon", "disclosure.lookup_failures", "indicators.recompute",
                     "laws.normative_expire", "plans.reminders"):  # fmt: skip
        assert expected in names
    assert all(job.label and not job.label.isascii() for job in jobs.registered())


def test_the_engine_keeps_no_registry_of_its_own():
    from fazhi.procedures import engine

    assert not hasattr(engine, "register_tick")
    assert not hasattr(engine, "ticks")


def test_tick_runs_every_job_in_name_order_and_reports_a_failure_while_the_others_run(
    world, only_these
):
    ran: list[str] = []

    def rename(suffix: str):
        def job(today: date) -> str:
            ran.append(suffix)
            Organisation.objects.filter(pk=world.gov_a.pk).update(short_name=f"改{suffix}")
            return f"完成{suffix}"

        return job

    def broken(today: date) -> str:
        ran.append("broken")
        Organisation.objects.filter(pk=world.gov_b.pk).update(short_name="不应保存")
        raise RuntimeError("磁盘已满")

    jobs.register("z.last", "最后一项", rename("z"))
    jobs.register("b.broken", "出错的任务", broken)
    jobs.register("a.first", "第一项", rename("a"))
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(Refused, match="1 项定时任务失败：出错的任务；其余 2 项已完成"):
        call_command("tick", "--today", "2026-03-02", stdout=out, stderr=err)
    assert ran == ["a", "broken", "z"]
    assert "a.first（第一项）：完成a" in out.getvalue()
    assert "z.last（最后一项）：完成z" in out.getvalue()
    assert "b.broken（出错的任务）：失败：RuntimeError：磁盘已满" in err.getvalue()
    world.gov_a.refresh_from_db()
    world.gov_b.refresh_from_db()
    assert world.gov_a.short_name == "改z"  # the jobs after the failure ran and committed
    assert world.gov_b.short_name != "不应保存"  # the failing job's own work was rolled back


def test_a_validation_error_is_reported_by_its_message(world, only_these):
    from django.core.exceptions import ValidationError

    def refuses(today: date) -> str:
        raise ValidationError("日历缺少 2026 年")

    jobs.register("a.refuses", "需要日历的任务", refuses)
    outcome = jobs.run_all(date(2026, 3, 2))[0]
    assert not outcome.ok
    assert outcome.line == "失败：日历缺少 2026 年"


def test_a_job_needs_a_name_and_a_label(only_these):
    with pytest.raises(ValueError, match="Chinese label"):
        jobs.register("x.y", "", lambda today: "")
    with pytest.raises(LookupError, match="未登记"):
        jobs.get("x.y")
