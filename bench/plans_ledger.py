"""Benchmark: the task ledger at city scale.

20 plans × 60 tasks, 45 units, 5 years of monthly progress reports (about 300,000 rows) and a
year of monthly consolidated reports; measures the server time (Django test client: view and
template) of the ledger page, the unit × measure matrix and "我的任务", and the Excel and Word
exports of one plan.

The plans are created with bulk inserts (the import services would take an hour for this
volume and are measured elsewhere); everything read is read through the product's selectors.

Run against a throwaway PostgreSQL database (it is emptied first):

    createdb -h 127.0.0.1 -U postgres fazhi_bench_plans
    FAZHI_DATABASE_URL=postgres://postgres@127.0.0.1:5432/fazhi_bench_plans \\
        .venv/bin/python -m bench.plans_ledger [--plans 20 --tasks 60 --units 45 --months 60]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from datetime import UTC, datetime, timedelta
from typing import Any


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--plans", type=int, default=20)
    parser.add_argument("--tasks", type=int, default=60)
    parser.add_argument("--units", type=int, default=45)
    parser.add_argument("--months", type=int, default=60)
    parser.add_argument("--per-task", type=int, default=4, help="units reporting on each task")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--reuse", action="store_true", help="keep the data of a previous run")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    os.environ.setdefault("FAZHI_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.ALLOWED_HOSTS = ["testserver"]
    print(f"database: {connection.vendor} {settings.DATABASES['default']['NAME']}")
    if not args.reuse:
        call_command("flush", interactive=False, verbosity=0)
        call_command("migrate", interactive=False, verbosity=0)
        started = time.perf_counter()
        build(args)
        print(f"built in {time.perf_counter() - started:.1f} s")
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ANALYZE")
    from fazhi.core.models import User
    from fazhi.plans.models import Consolidation, Plan, ProgressReport, Task

    print(
        f"rows: {Plan.objects.count()} plans, {Task.objects.count()} tasks, "
        f"{ProgressReport.objects.count()} progress reports, "
        f"{Consolidation.objects.count()} consolidations"
    )
    supervisor = User.objects.get(username="bench_supervisor")
    county = User.objects.get(username="bench_county")
    lead = User.objects.get(username="bench_lead")
    plan = Plan.objects.order_by("pk").first()
    assert plan is not None
    from django.test import Client

    pages = [
        ("supervisor", supervisor, f"/plans/ledger/{plan.pk}/", 150),
        ("supervisor", supervisor, f"/plans/ledger/{plan.pk}/?by=unit", 150),
        ("supervisor", supervisor, f"/plans/ledger/{plan.pk}/?q=任务&status=逾期", 150),
        ("supervisor", supervisor, f"/plans/ledger/{plan.pk}/matrix/", 150),
        ("county clerk", county, f"/plans/ledger/{plan.pk}/", 150),
        ("county clerk", county, f"/plans/ledger/{plan.pk}/matrix/", 150),
        ("county clerk", county, "/plans/mine/", 150),
        ("lead clerk", lead, "/plans/mine/", 150),
        ("lead clerk", lead, "/", 150),
        ("supervisor", supervisor, f"/plans/ledger/{plan.pk}/ledger.xlsx", 2000),
        ("supervisor", supervisor, f"/plans/ledger/{plan.pk}/summary.docx", 2000),
        ("lead clerk", lead, f"/plans/ledger/{plan.pk}/ledger.xlsx", 2000),
    ]
    failed = []
    for who, user, url, budget in pages:
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        client.get(url)  # warm
        times = []
        repeat = args.repeat if budget < 1000 else max(3, args.repeat // 3)
        for _ in range(repeat):
            t = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        p50 = statistics.median(times)
        flag = "ok" if p50 < budget else "OVER BUDGET"
        if p50 >= budget:
            failed.append(url)
        print(
            f"{who:12s} {url:46s} p50 {p50:7.1f} ms  min {min(times):7.1f} ms  "
            f"max {max(times):7.1f} ms  (budget {budget} ms) {flag}"
        )
    print("all within budget" if not failed else f"over budget: {failed}")
    load = os.getloadavg()[0]
    print(
        f"load average {load:.1f} on {os.cpu_count()} CPUs (the machine's other work inflates p50)"
    )


def build(args: Any) -> None:
    from django.db import transaction

    from fazhi.core import services as core
    from fazhi.core.models import DivisionLevel, OrgKind
    from fazhi.plans.models import (
        Chapter,
        Consolidation,
        Measure,
        Plan,
        ProgressReport,
        ReportFrequency,
        ReviewState,
        SelfState,
        SourceFile,
        Task,
    )
    from fazhi.plans.periods import period_of

    rng = random.Random(6)
    core.division_upsert(
        actor=None, code="360000", name="江西省", level=DivisionLevel.PROVINCE, parent_code=None
    )
    city = core.division_upsert(
        actor=None, code="361000", name="抚州市", level=DivisionLevel.CITY, parent_code="360000"
    )[0]
    counties = [
        core.division_upsert(
            actor=None, code=f"3610{i:02d}", name=f"第{i}县", level=DivisionLevel.COUNTY,
            parent_code="361000",
        )[0]
        for i in range(21, 32)
    ]  # fmt: skip
    office = core.organisation_create(
        actor=None, name="依法治市办", kind=OrgKind.PARTY, division=city
    )
    units = []
    for i in range(args.units - len(counties)):
        units.append(
            core.organisation_create(
                actor=None, name=f"市直部门{i:02d}", kind=OrgKind.DEPARTMENT, division=city
            )
        )
    for i, division in enumerate(counties):
        units.append(
            core.organisation_create(
                actor=None, name=f"第{i}县人民政府", kind=OrgKind.GOVERNMENT, division=division
            )
        )
    password = "Bench@Pass2026"  # noqa: S105
    supervisor = core.user_create(
        actor=None, username="bench_supervisor", name="督查", unit=office, password=password,
        roles=["supervisor"],
    )  # fmt: skip
    county_unit, lead_unit = units[-1], units[0]
    core.user_create(
        actor=None, username="bench_county", name="县经办", unit=county_unit, password=password,
        roles=["clerk"],
    )  # fmt: skip
    core.user_create(
        actor=None, username="bench_lead", name="市直经办", unit=lead_unit, password=password,
        roles=["clerk"],
    )  # fmt: skip
    from django.utils import timezone

    today = timezone.localdate()
    months = []
    day = today.replace(day=1)
    for _ in range(args.months):
        months.append(period_of(ReportFrequency.MONTHLY, day))
        day = (day - timedelta(days=1)).replace(day=1)
    lead_through = Task.lead_units.through
    resp_through = Task.responsible_units.through
    started = datetime.now(UTC)
    for p in range(args.plans):
        with transaction.atomic():
            source = SourceFile.objects.create(
                name=f"方案{p}.txt", size=1, sha256=f"{p:064d}", content=b"x"
            )
            plan = Plan.objects.create(
                title=f"抚州市第{p}号实施方案", source=source, sha256=source.sha256,
                owner_unit=office, created_by=supervisor,
                report_frequency=ReportFrequency.MONTHLY,
            )  # fmt: skip
            chapters = [
                Chapter.objects.create(plan=plan, number=n, title=f"第{n}章", position=i)
                for i, n in enumerate("一二三四五", start=1)
            ]
            measures = [
                Measure.objects.create(
                    plan=plan, chapter=chapters[i // 4], number=i + 1, title=f"措施{i + 1}"
                )
                for i in range(args.tasks // 3)
            ]
            tasks = []
            for i in range(args.tasks):
                kind = i % 4
                due = (
                    None if kind == 0 else today - timedelta(days=30) if kind == 1
                    else today + timedelta(days=2) if kind == 2 else today + timedelta(days=200)
                )  # fmt: skip
                tasks.append(
                    Task(
                        plan=plan,
                        measure=measures[i // 3],
                        position=i % 3 + 1,
                        text=f"落实第{p}号方案第{i}项任务，推进依法行政建设。",
                        deadline_text="2025年底前" if due else "",
                        deadline_date=due,
                        due_on=due,
                    )
                )
            Task.objects.bulk_create(tasks)
            leads: list[Any] = []
            resps: list[Any] = []
            reports: list[Any] = []
            for task in tasks:
                chosen = rng.sample(units, args.per_task)
                if rng.random() < 0.5 and county_unit not in chosen:
                    chosen[-1] = county_unit
                if rng.random() < 0.3 and lead_unit not in chosen:
                    chosen[0] = lead_unit
                leads.append(lead_through(task_id=task.pk, organisation_id=chosen[0].pk))
                resps.extend(
                    resp_through(task_id=task.pk, organisation_id=u.pk) for u in chosen[1:]
                )
                task.lead_names = [chosen[0].display_name]
                task.responsible_names = [u.display_name for u in chosen[1:]]
                for unit in chosen:
                    for m, period in enumerate(months):
                        reports.append(
                            ProgressReport(
                                task=task,
                                owner_unit=unit,
                                owner_unit_path=unit.path,
                                owner_division_path=unit.division.path,
                                period_key=period.key,
                                period_start=period.starts_on,
                                text=f"{period.label}{unit.display_name}推进情况：已完成阶段工作。",
                                self_state=SelfState.IN_PROGRESS,
                                state=ReviewState.ACCEPTED if m else ReviewState.SUBMITTED,
                            )
                        )
            lead_through.objects.bulk_create(leads)
            resp_through.objects.bulk_create(resps)
            Task.objects.bulk_update(tasks, ["lead_names", "responsible_names"])
            ProgressReport.objects.bulk_create(reports, batch_size=5000)
            consolidations = []
            for task, link in zip(tasks, leads, strict=True):
                lead_org = next(u for u in units if u.pk == link.organisation_id)
                for m, period in enumerate(months[:12]):
                    consolidations.append(
                        Consolidation(
                            task=task,
                            owner_unit=lead_org,
                            owner_unit_path=lead_org.path,
                            owner_division_path=lead_org.division.path,
                            period_key=period.key,
                            period_start=period.starts_on,
                            text=f"{period.label}汇总进展",
                            self_state=SelfState.IN_PROGRESS,
                            state=ReviewState.RETURNED
                            if (m == 0 and task.pk % 7 == 0)
                            else ReviewState.ACCEPTED,
                        )
                    )
            Consolidation.objects.bulk_create(consolidations, batch_size=5000)
            latest = {c.task_id: c for c in consolidations if c.period_key == months[0].key}
            for task in tasks:
                task.current_consolidation = latest[task.pk]
                task.reported_at = started
            Task.objects.bulk_update(tasks, ["current_consolidation", "reported_at"])
        print(f"  plan {p + 1}/{args.plans}: {len(reports)} reports", flush=True)


if __name__ == "__main__":
    main()
