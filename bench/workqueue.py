"""Benchmark: the work queue (我的待办) at city scale, on the product's own queue functions.

200,000 open 依申请公开 cases across 2,000 units (the city clerk's own unit holds 10,000 of
them, the rest spread), a plan of 600 tasks with reports, consolidations awaiting review and
督办单; a city clerk whose data scope is the whole city (all 200,000 cases in scope) and a
city supervisor. Times fazhi.core.workqueue.counts (the home cards and the top bar) and
workqueue.page (the first page and page 10), and the /queue/ and home pages through Django's
test client. Target: under 100 ms each.

Run against a throwaway PostgreSQL database (it is emptied first):

    createdb -h 127.0.0.1 -U postgres fazhi_bench_queue
    FAZHI_DATABASE_URL=postgres://postgres@127.0.0.1:5432/fazhi_bench_queue \\
        .venv/bin/python -m bench.workqueue [--cases 200000 --units 2000] [--reuse]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import Any

PASSWORD = "Bench@Pass2026"  # noqa: S105 (the accounts of a throwaway bench database)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--units", type=int, default=2_000)
    parser.add_argument("--own", type=int, default=10_000, help="open cases of the clerk's unit")
    parser.add_argument("--repeat", type=int, default=20)
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
        build(args.units, args.cases, args.own)
        print(f"data set built in {time.perf_counter() - started:.1f} s")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    from fazhi.core import workqueue
    from fazhi.core.models import User
    from fazhi.procedures.models import Case

    print(f"open cases: {Case.objects.filter(is_open=True).count()}")

    def round_trips() -> None:
        with connection.cursor() as cursor:
            for _ in range(14):  # as many statements as the clerk's first page runs
                cursor.execute("SELECT 1")
                cursor.fetchone()

    # The machine's own speed, to read the figures below against (a shared, loaded box
    # shows it here first).
    _time("(baseline: 14 × SELECT 1)", args.repeat, round_trips)
    clerk = User.objects.get(username="bench_city_clerk")
    supervisor = User.objects.get(username="bench_supervisor")
    in_scope = Case.objects.visible_to(clerk).filter(is_open=True).count()
    print(f"open cases in the city clerk's scope: {in_scope}")
    for label, user in (("city clerk", clerk), ("supervisor", supervisor)):
        fresh = User.objects.get(pk=user.pk)  # roles read once, as in a request
        found = {c.label + "/" + c.kind: c.value for c in workqueue.counts(fresh)}
        print(f"{label}: {found}")
        calls: list[tuple[str, Callable[[], Any]]] = [
            ("counts (home cards, top bar)", partial(workqueue.counts, fresh)),
            ("first page", partial(workqueue.page, fresh)),
            ("page 10", partial(workqueue.page, fresh, number=10)),
            ("first page, cases only", partial(workqueue.page, fresh, kind="disclosure.handle")),
        ]
        for name, call in calls:
            _time(f"{label}: {name}", args.repeat, call)
    from django.test import Client

    for label, user, url in (
        ("city clerk: /queue/ (whole view)", clerk, "/queue/"),
        ("city clerk: home page (whole view)", clerk, "/"),
        ("supervisor: /queue/ (whole view)", supervisor, "/queue/"),
    ):
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")

        def get(c: Client = client, u: str = url) -> None:
            response = c.get(u)
            assert response.status_code == 200, (u, response.status_code)

        _time(label, args.repeat, get)


def _time(label: str, repeat: int, fn: Callable[[], Any]) -> None:
    fn()  # warm the calendar index and the connection
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    print(f"{label:48s} p50 {statistics.median(times):7.1f} ms  max {max(times):7.1f} ms")


def build(n_units: int, n_cases: int, own: int) -> None:
    """Units and users through the services; cases, tasks and reports in bulk through the
    product's models (the engine's services audit every step: 200,000 would take hours)."""
    from django.utils import timezone

    from fazhi.core import services as core
    from fazhi.core.models import DataScope, DivisionLevel, OrgKind, Permission, Role
    from fazhi.disclosure.models import ApplicantType, Channel, DisclosureRequest
    from fazhi.disclosure.services import new_query_code
    from fazhi.plans.models import (
        Chapter,
        Consolidation,
        Measure,
        Plan,
        ProgressReport,
        ReviewState,
        SourceFile,
        SupervisionNotice,
        Task,
    )
    from fazhi.plans.periods import period_of
    from fazhi.procedures.models import Case, Owed

    rng = random.Random(14)
    today = timezone.localdate()
    core.division_upsert(
        actor=None, code="360000", name="江西省", level=DivisionLevel.PROVINCE, parent_code=None
    )
    city = core.division_upsert(
        actor=None, code="361000", name="抚州市", level=DivisionLevel.CITY, parent_code="360000"
    )[0]
    counties = [
        core.division_upsert(
            actor=None, code=f"3610{i:02d}", name=f"县{i}", level=DivisionLevel.COUNTY,
            parent_code="361000",
        )[0]
        for i in range(21, 32)
    ]  # fmt: skip
    office = core.organisation_create(
        actor=None, name="依法治市办", kind=OrgKind.PARTY, division=city
    )
    units = []
    for i in range(n_units):
        units.append(
            core.organisation_create(
                actor=None,
                name=f"单位{i:04d}",
                kind=OrgKind.DEPARTMENT if i < 200 else OrgKind.GOVERNMENT,
                division=city if i < 200 else counties[i % len(counties)],
            )
        )
    # A city clerk whose data scope is the whole city: every case is in scope, only their
    # own unit's wait for them.
    Role.objects.create(
        code="city_clerk", name="市级经办人", data_scope=DataScope.ALL, rank=20,
        permissions=[Permission.REPORT, Permission.HANDLE_CASES],
    )  # fmt: skip
    mine = units[0]
    core.user_create(
        actor=None, username="bench_city_clerk", name="市经办", unit=mine, password=PASSWORD,
        roles=["city_clerk"],
    )  # fmt: skip
    core.user_create(
        actor=None, username="bench_supervisor", name="督查", unit=office, password=PASSWORD,
        roles=["supervisor"],
    )  # fmt: skip

    # Cases: the clerk's unit gets ``own``, the rest are spread; received over the last 60
    # days, so that about a third are overdue; some wait for the applicant or a third party.
    batch = 5000
    states = [("received", Owed.OFFICE, False)] * 6 + [
        ("correction", Owed.APPLICANT, False), ("consulting", Owed.THIRD_PARTY, True),
        ("replied", "", False), ("submitted", "", False),
    ]  # fmt: skip
    for start in range(0, n_cases, batch):
        cases = []
        for n in range(start, min(start + batch, n_cases)):
            unit = mine if n < own else units[1 + n % (n_units - 1)]
            received = today - timedelta(days=rng.randrange(0, 60))
            state, owed, paused = rng.choice(states)
            due = received + timedelta(days=28) if owed else None
            cases.append(
                Case(
                    procedure="disclosure",
                    number=f"{unit.name}公开〔{received.year}〕{n}号",
                    year=received.year,
                    seq=n,
                    title=f"申请{n}",
                    owner_unit=unit,
                    owner_unit_path=unit.path,
                    owner_division_path=unit.division.path,
                    state=state,
                    is_open=True,
                    opened_on=received,
                    due_on=due,
                    due_owed_by=owed,
                    due_paused=paused,
                )
            )
        Case.objects.bulk_create(cases)
        DisclosureRequest.objects.bulk_create(
            DisclosureRequest(
                case=case,
                owner_unit_id=case.owner_unit_id,
                owner_unit_path=case.owner_unit_path,
                owner_division_path=case.owner_division_path,
                query_code=new_query_code(),
                channel=Channel.IN_PERSON,
                submitted_on=case.opened_on,
                received_on=case.opened_on,
                applicant_type=ApplicantType.PERSON,
                applicant_name=f"申请人{case.seq}",
                phone="13900000000",
                phone_last4="0000",
                description="某项政府信息",
                fingerprint=f"{case.seq}",
            )
            for case in cases
        )

    # A plan of 600 tasks; the clerk's unit leads 60 and shares 120; reports, consolidations
    # waiting for the supervisor, 督办单 to the clerk's unit.
    source = SourceFile.objects.create(name="bench.txt", size=1, sha256="0" * 64, content=b"x")
    plan = Plan.objects.create(
        title=f"抚州市{today.year}年法治政府建设工作要点", owner_unit=office, source=source,
        sha256="0" * 64,
    )  # fmt: skip
    chapter = Chapter.objects.create(plan=plan, number="一", title="工作", position=1)
    measures = Measure.objects.bulk_create(
        Measure(plan=plan, chapter=chapter, number=i + 1, title=f"措施{i + 1}") for i in range(60)
    )
    tasks = Task.objects.bulk_create(
        Task(
            plan=plan,
            measure=measures[i // 10],
            position=i % 10 + 1,
            text=f"任务{i}",
            due_on=today + timedelta(days=rng.randrange(-30, 300)),
        )
        for i in range(600)
    )
    lead = Task.lead_units.through
    resp = Task.responsible_units.through
    lead.objects.bulk_create(
        lead(task_id=t.pk, organisation_id=(mine if i < 60 else units[1 + i]).pk)
        for i, t in enumerate(tasks)
    )
    resp.objects.bulk_create(
        resp(task_id=t.pk, organisation_id=mine.pk if i >= 60 and i < 180 else units[700 + i].pk)
        for i, t in enumerate(tasks)
    )
    period = period_of(plan.report_frequency, today)
    reports = ProgressReport.objects.bulk_create(
        ProgressReport(
            task=t,
            owner_unit=units[700 + i],
            owner_unit_path=units[700 + i].path,
            owner_division_path=units[700 + i].division.path,
            period_key=period.key,
            period_start=period.starts_on,
            text="进展",
            self_state="in_progress",
        )
        for i, t in enumerate(tasks)
        if i < 60 or i >= 180
    )
    Consolidation.objects.bulk_create(
        Consolidation(
            task_id=r.task_id,
            owner_unit=office,
            owner_unit_path=office.path,
            owner_division_path=office.division.path,
            period_key=period.key,
            period_start=period.starts_on,
            text="汇总",
            self_state="in_progress",
            state=ReviewState.SUBMITTED,
        )
        for r in reports[60:460]
    )
    SupervisionNotice.objects.bulk_create(
        SupervisionNotice(
            task=tasks[60 + i],
            owner_unit=mine,
            owner_unit_path=mine.path,
            owner_division_path=mine.division.path,
            number=f"督办〔{today.year}〕{i + 1}号",
            reason=f"事由{i}",
            requirement="回复",
            reply_workdays=5,
            issued_on=today,
            reply_due_on=today + timedelta(days=rng.randrange(-10, 20)),
        )
        for i in range(100)
    )


if __name__ == "__main__":
    main()
