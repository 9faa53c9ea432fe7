"""Benchmark: the product's own recompute of every case clock after a holiday-year import.

200,000 open cases (default) with 3 named clocks each — a 20-working-day reply period, a
5-working-day hearing-request period and a 90-day decision period, all started during 2027
— across 2,000 units, written with the product's models. The figure that matters is the
import of a 2027 schedule through ``workdays.services.calendar_import``: it calls every
registered recomputer, here ``procedures.services.recompute_open_cases``, which recomputes
each clock from its stored rule, start, pauses and extensions, writes the cases whose due
dates change (bulk) and audits each (one chained audit event per case). Target: < 60 s.

Run against a throwaway PostgreSQL database (it is emptied first):

    createdb -h 127.0.0.1 -U postgres fazhi_bench_cases
    FAZHI_DATABASE_URL=postgres://postgres@127.0.0.1:5432/fazhi_bench_cases \\
        .venv/bin/python -m bench.case_recompute [--cases 200000 --units 2000]
"""

from __future__ import annotations

import argparse
import json
import os
import time
from datetime import date, timedelta

# A made-up 2027 schedule (the real one is unpublished): it moves many 2027 due dates.
FAKE_2027 = (
    [("元旦", f"2027-01-0{d}", True) for d in (1, 2, 3)]
    + [("春节", f"2027-02-{d:02d}", True) for d in range(5, 12)]
    + [("春节", "2027-02-13", False), ("春节", "2027-02-20", False)]
    + [("国庆节", f"2027-10-0{d}", True) for d in range(1, 8)]
    + [("国庆节", "2027-09-26", False), ("国庆节", "2027-10-09", False)]
)


def build(cases: int, units: int) -> None:
    from fazhi.core.models import Division, DivisionLevel, Organisation, OrgKind
    from fazhi.procedures.models import Case

    city, _ = Division.objects.get_or_create(
        code="361000", defaults={"name": "抚州市", "level": DivisionLevel.CITY, "path": "/361000/"}
    )
    if not city.path:
        city.path = f"/{city.pk}/"
        city.save()
    orgs = Organisation.objects.bulk_create(
        [Organisation(name=f"测试单位{i:04d}", kind=OrgKind.DEPARTMENT, division=city,
                      path=f"/bench{i:04d}/") for i in range(units)],
        batch_size=1000,
    )  # fmt: skip
    base = date(2027, 1, 4)
    rows = []
    for i in range(cases):
        unit = orgs[i % units]
        start = (base + timedelta(days=i % 300)).isoformat()
        clock = {
            "main": {"rule": "disclosure.reply", "start": start, "pauses": [], "extensions": [],
                     "owed_by": "office"},
            "hearing": {"rule": "penalty.hearing_request", "start": start, "pauses": [],
                        "extensions": [], "owed_by": "applicant"},
            "decision": {"rule": "penalty.decision", "start": start, "pauses": [],
                         "extensions": [], "owed_by": "office"},
        }  # fmt: skip
        rows.append(
            Case(
                procedure="disclosure",
                number=f"测〔2027〕{i + 1}号",
                title=f"基准案件{i}",
                state="received",
                opened_on=date.fromisoformat(start),
                owner_unit=unit,
                owner_unit_path=unit.path,
                owner_division_path=city.path,
                clock=clock,
                due_on=date(2027, 12, 31),
            )
        )
        if len(rows) == 10_000:
            Case.objects.bulk_create(rows, batch_size=2000)
            rows = []
    Case.objects.bulk_create(rows, batch_size=2000)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--units", type=int, default=2_000)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    os.environ.setdefault("FAZHI_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, reset_queries

    from fazhi.core.models import AuditEvent
    from fazhi.procedures.models import Case
    from fazhi.procedures.services import recompute_open_cases
    from fazhi.workdays import services

    print(f"database: {connection.vendor} {settings.DATABASES['default']['NAME']}")
    if connection.vendor != "postgresql":
        print("warning: the 60 s target is for PostgreSQL")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    began = time.perf_counter()
    build(args.cases, args.units)
    print(f"cases: {args.cases:,} × 3 clocks across {args.units:,} units written in "
          f"{time.perf_counter() - began:.1f} s")  # fmt: skip

    # First computation: no clock has a stored due date yet, so every case is written.
    began = time.perf_counter()
    first = recompute_open_cases(date(1990, 1, 1), date(2100, 12, 31))
    print(f"initial computation (2027 provisional): {first:,} cases in "
          f"{time.perf_counter() - began:.1f} s")  # fmt: skip

    text = json.dumps(
        {"year": 2027, "papers": [],
         "days": [{"name": n, "date": d, "isOffDay": off} for n, d, off in FAKE_2027]},
        ensure_ascii=False,
    )  # fmt: skip
    audit_before = AuditEvent.objects.count()
    reset_queries()
    began = time.perf_counter()
    result = services.calendar_import(actor=None, text=text, filename="bench-2027.json")
    elapsed = time.perf_counter() - began
    changed = result.recomputed["procedures.cases"]
    audited = AuditEvent.objects.count() - audit_before
    print(f"import 2027 + recompute of {Case.objects.filter(is_open=True).count():,} open cases "
          f"(3 clocks each): {changed:,} changed, {audited:,} audit events; {elapsed:.1f} s "
          f"(target < 60 s) -> {'OK' if elapsed < 60 else 'TOO SLOW'}")  # fmt: skip
    began = time.perf_counter()
    again = recompute_open_cases(date(2027, 1, 1), date(2027, 12, 31))
    print(f"recompute again with nothing changed: {again:,} written in "
          f"{time.perf_counter() - began:.1f} s")  # fmt: skip


if __name__ == "__main__":
    main()
