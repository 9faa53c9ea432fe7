"""Benchmark: the 依申请公开 office list and the annual statistics table at city scale.

50,000 requests across 45 units (about one in eight still open, spread over 2025–2026);
measures, by Django's test client (whole view and template), the office list for a city
supervisor and a county clerk, the list filtered to overdue requests, and the annual
statistics table with the answer rates (page and xlsx). Targets: list < 100 ms, table < 1 s.

Run against a throwaway PostgreSQL database (it is emptied first):

    createdb -h 127.0.0.1 -U postgres fazhi_bench_disclosure
    FAZHI_DATABASE_URL=postgres://postgres@127.0.0.1:5432/fazhi_bench_disclosure \\
        .venv/bin/python -m bench.disclosure_list [--requests 50000 --units 45]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from datetime import date, timedelta
from typing import Any


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=50_000)
    parser.add_argument("--units", type=int, default=45)
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
    from fazhi.core.models import User

    if not args.reuse:
        call_command("flush", interactive=False, verbosity=0)
        call_command("migrate", interactive=False, verbosity=0)
        started = time.perf_counter()
        build(args.units, args.requests)
        print(
            f"{args.requests} requests in {args.units} units: {time.perf_counter() - started:.1f} s"
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE") if connection.vendor == "postgresql" else None
    supervisor = User.objects.get(username="bench_supervisor")
    clerk = User.objects.get(username="bench_clerk")
    from django.test import Client

    pages = [
        ("(baseline: home page)", supervisor, "/"),
        ("office list, city supervisor", supervisor, "/disclosure/"),
        ("office list, county clerk", clerk, "/disclosure/"),
        ("office list, overdue only, supervisor", supervisor, "/disclosure/?deadline=overdue"),
        ("office list, page 20, supervisor", supervisor, "/disclosure/?page=20"),
        ("statistics page 2026 (rates + table)", supervisor, "/disclosure/figures/?year=2026"),
        ("statistics table xlsx 2026", supervisor, "/disclosure/figures/?year=2026&format=xlsx"),
    ]
    for label, user, url in pages:
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        client.get(url)  # warm the calendar index and the connection
        times = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        print(f"{label:40s} p50 {statistics.median(times):7.1f} ms  max {max(times):7.1f} ms")
    from fazhi.disclosure import selectors

    t = time.perf_counter()
    table = selectors.annual_table(user=supervisor, year=2026)
    rates = selectors.answer_rates(user=supervisor, year=2026)
    print(
        f"{'annual_table + answer_rates (selectors)':40s} {(time.perf_counter() - t) * 1000:7.1f} ms"
        f"  (new {table.new.total if table.new else 0}, units {len(rates)})"
    )


def build(n_units: int, n_requests: int) -> None:
    """Units and users through the services; requests in bulk (the engine's services write
    one audit event per step, which would make 50,000 requests take an hour to set up)."""
    from fazhi.core import services as core
    from fazhi.core.models import DivisionLevel, OrgKind
    from fazhi.disclosure.models import (
        ApplicantType,
        Channel,
        DisclosureDesk,
        DisclosureRequest,
        ReplyType,
    )
    from fazhi.disclosure.services import new_query_code
    from fazhi.procedures.models import Case, Owed
    from fazhi.workdays.deadlines import compute_rule

    rng = random.Random(7)
    core.division_upsert(
        actor=None, code="360000", name="江西省", level=DivisionLevel.PROVINCE, parent_code=None
    )
    city = core.division_upsert(
        actor=None, code="361000", name="抚州市", level=DivisionLevel.CITY, parent_code="360000"
    )[0]
    counties = [
        core.division_upsert(
            actor=None,
            code=f"3610{i:02d}",
            name=f"县{i}",
            level=DivisionLevel.COUNTY,
            parent_code="361000",
        )[0]
        for i in range(21, 32)
    ]
    office = core.organisation_create(
        actor=None, name="依法治市办", kind=OrgKind.PARTY, division=city
    )
    units = []
    for i in range(n_units):
        division = city if i < 23 else counties[i % len(counties)]
        unit = core.organisation_create(
            actor=None,
            name=f"单位{i:02d}",
            kind=OrgKind.DEPARTMENT if i < 23 else OrgKind.GOVERNMENT,
            division=division,
        )
        DisclosureDesk.objects.create(unit=unit)
        units.append(unit)
    core.user_create(
        actor=None,
        username="bench_supervisor",
        name="督查",
        unit=office,
        password="Bench@Pass2026",
        roles=["supervisor"],
    )
    core.user_create(
        actor=None,
        username="bench_clerk",
        name="经办",
        unit=units[-1],
        password="Bench@Pass2026",
        roles=["clerk"],
    )

    due_cache: dict[date, date] = {}
    reply_types = list(ReplyType.values)
    kinds = list(ApplicantType.values)
    batch = 5000
    for start in range(0, n_requests, batch):
        cases: list[Case] = []
        rows: list[dict[str, Any]] = []
        for n in range(start, min(start + batch, n_requests)):
            unit = units[n % n_units]
            received = date(2025, 1, 2) + timedelta(days=rng.randrange(0, 697))
            if received not in due_cache:
                due_cache[received] = compute_rule(
                    code="disclosure.reply", start=received, explain=False
                ).due
            due = due_cache[received]
            is_open = received > date(2026, 10, 1) or rng.random() < 0.03
            replied = None if is_open else received + timedelta(days=rng.randrange(3, 40))
            case = Case(
                procedure="disclosure",
                number=f"{unit.name}公开〔{received.year}〕{n}号",
                year=received.year,
                seq=n,
                title=f"申请{n}",
                owner_unit=unit,
                owner_unit_path=unit.path,
                owner_division_path=unit.division.path,
                state="received" if is_open else "served",
                is_open=is_open,
                opened_on=received,
                closed_on=replied,
                due_on=due if is_open else None,
                due_owed_by=Owed.OFFICE if is_open else "",
                due_explanation=[f"第 20 个工作日为 {due.isoformat()}。"] if is_open else [],
                clock={
                    "rule": "disclosure.reply",
                    "start": received.isoformat(),
                    "pauses": [],
                    "extensions": [],
                }
                if is_open
                else {},
            )
            cases.append(case)
            rows.append(
                {
                    "received_on": received,
                    "submitted_on": received,
                    "replied_on": replied,
                    "reply_type": "" if is_open else rng.choice(reply_types),
                    "reply_due_on": None if is_open else due,
                    "replied_on_time": None if replied is None else replied <= due,
                    "concluded_on": replied,
                    "applicant_type": rng.choice(kinds),
                    "unit": unit,
                }
            )
        Case.objects.bulk_create(cases)
        requests = []
        for case, row in zip(cases, rows, strict=True):
            requests.append(
                DisclosureRequest(
                    case=case,
                    owner_unit=row["unit"],
                    owner_unit_path=row["unit"].path,
                    owner_division_path=row["unit"].division.path,
                    query_code=new_query_code(),
                    channel=Channel.IN_PERSON,
                    submitted_on=row["submitted_on"],
                    received_on=row["received_on"],
                    applicant_type=row["applicant_type"],
                    applicant_name=f"申请人{case.seq}",
                    phone="13900000000",
                    phone_last4="0000",
                    description="某项政府信息",
                    fingerprint=f"{case.seq}",
                    reply_type=row["reply_type"],
                    replied_on=row["replied_on"],
                    reply_due_on=row["reply_due_on"],
                    replied_on_time=row["replied_on_time"],
                    outcome=row["reply_type"],
                    concluded_on=row["concluded_on"],
                )
            )
        DisclosureRequest.objects.bulk_create(requests)


if __name__ == "__main__":
    main()
