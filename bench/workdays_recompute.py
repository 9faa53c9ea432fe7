"""Benchmark: recompute 1,000,000 open due dates after a calendar import; O(1) per computation.

A bench-only table stands in for the modules' `due_on` columns. Its recomputer is the pattern
a module registers: stream the open items whose period spans the imported days through a
server-side cursor, compute each with one shared calendar index (`compute_due(...,
calendar=cal, explain=False)`), COPY the changed dates into a temporary table and apply them
with one UPDATE … FROM. The import itself goes through `services.calendar_import`, so the
figure includes parsing, the calendar write, the index rebuild and the audit event.

Run against a throwaway PostgreSQL database (it is emptied first):

    createdb -h 127.0.0.1 -U postgres fazhi_bench_workdays
    FAZHI_DATABASE_URL=postgres://postgres@127.0.0.1:5432/fazhi_bench_workdays \\
        .venv/bin/python -m bench.workdays_recompute [--rows 1000000]
"""

from __future__ import annotations

import argparse
import json
import os
import time
from datetime import date, timedelta

TABLE = "bench_workdays_item"

# A made-up 2027 schedule (the real one is unpublished): it moves many 2027 due dates.
FAKE_2027 = (
    [("元旦", f"2027-01-0{d}", True) for d in (1, 2, 3)]
    + [("春节", f"2027-02-{d:02d}", True) for d in range(5, 12)]
    + [("春节", "2027-02-13", False), ("春节", "2027-02-20", False)]
    + [("国庆节", f"2027-10-0{d}", True) for d in range(1, 8)]
    + [("国庆节", "2027-09-26", False), ("国庆节", "2027-10-09", False)]
)


def recompute(first: date, last: date) -> int:
    """Recompute the open bench items whose period spans [first, last]; returns changed rows."""
    from django.db import connection

    from fazhi.workdays.deadlines import compute_due
    from fazhi.workdays.index import current_calendar

    cal = current_calendar()
    raw = connection.connection
    changed: list[tuple[int, date, bool]] = []
    began = time.perf_counter()
    seen = 0
    with raw.cursor(name="workdays_recompute") as cur:
        cur.itersize = 50_000
        cur.execute(
            f"SELECT id, start_on, amount, unit, due_on, calendar_complete FROM {TABLE} "  # noqa: S608
            "WHERE due_on IS NULL OR (due_on >= %s AND start_on <= %s)",
            [first, last],
        )
        for item_id, start, amount, unit, due_on, complete in cur:
            seen += 1
            deadline = compute_due(
                start=start, amount=amount, unit=unit, calendar=cal, explain=False
            )
            if deadline.due != due_on or deadline.calendar_complete != complete:
                changed.append((item_id, deadline.due, deadline.calendar_complete))
    read_and_computed = time.perf_counter() - began
    with raw.cursor() as cur:
        cur.execute(
            "CREATE TEMP TABLE bench_changes (id bigint, due_on date, complete boolean) "
            "ON COMMIT DROP"
        )
        with cur.copy("COPY bench_changes (id, due_on, complete) FROM STDIN") as copy:
            for row in changed:
                copy.write_row(row)
        cur.execute(
            f"UPDATE {TABLE} t SET due_on = c.due_on, calendar_complete = c.complete "  # noqa: S608
            "FROM bench_changes c WHERE t.id = c.id"
        )
    print(f"  recompute [{first} … {last}]: {seen:,} items read and computed in "
          f"{read_and_computed:.1f} s, {len(changed):,} written in "
          f"{time.perf_counter() - began - read_and_computed:.1f} s")  # fmt: skip
    return len(changed)


def timed_compute(amount: int, unit: str, repeat: int, explain: bool) -> float:
    from fazhi.workdays.deadlines import compute_due
    from fazhi.workdays.index import current_calendar

    cal = current_calendar()
    start = date(2026, 3, 2)
    began = time.perf_counter()
    for i in range(repeat):
        compute_due(
            start=start + timedelta(days=i % 97), amount=amount, unit=unit,
            calendar=cal, explain=explain,
        )  # fmt: skip
    return (time.perf_counter() - began) / repeat * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20_000)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    os.environ.setdefault("FAZHI_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction

    from fazhi.workdays import services
    from fazhi.workdays.registry import register_due_recomputer

    print(f"database: {connection.vendor} {settings.DATABASES['default']['NAME']}")
    if connection.vendor != "postgresql":
        print("warning: the 60 s target is for PostgreSQL")
    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", interactive=False, verbosity=0)

    with connection.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {TABLE}")
        cur.execute(
            f"CREATE TABLE {TABLE} (id bigint PRIMARY KEY, start_on date NOT NULL, "
            "amount integer NOT NULL, unit varchar(8) NOT NULL, due_on date, "
            "calendar_complete boolean NOT NULL DEFAULT false)"
        )
        began = time.perf_counter()
        # Open items received during 2027, mostly working-day periods: every one spans the
        # imported year, so the import recomputes all of them.
        cur.execute(
            f"INSERT INTO {TABLE} (id, start_on, amount, unit) "  # noqa: S608
            "SELECT i, date '2027-01-01' + (i %% 330), "
            "CASE WHEN i %% 10 < 7 THEN (ARRAY[5,7,10,15,20])[1 + i %% 5] "
            "     WHEN i %% 10 < 9 THEN (ARRAY[15,30,60,90])[1 + i %% 4] "
            "     ELSE (ARRAY[1,2,6])[1 + i %% 3] END, "
            "CASE WHEN i %% 10 < 7 THEN 'workday' WHEN i %% 10 < 9 THEN 'day' ELSE 'month' END "
            "FROM generate_series(1, %s) AS i",
            [args.rows],
        )
        cur.execute(f"CREATE INDEX ON {TABLE} (due_on)")
        cur.execute(f"ANALYZE {TABLE}")
    print(f"items: {args.rows:,} created in {time.perf_counter() - began:.1f} s")

    began = time.perf_counter()
    with transaction.atomic():
        first = recompute(date(1990, 1, 1), date(2100, 12, 31))
    print(f"initial computation (2027 provisional): {first:,} due dates in "
          f"{time.perf_counter() - began:.1f} s")  # fmt: skip

    register_due_recomputer("bench.items", recompute)
    text = json.dumps(
        {
            "year": 2027,
            "papers": [],
            "days": [{"name": n, "date": d, "isOffDay": off} for n, d, off in FAKE_2027],
        },
        ensure_ascii=False,
        indent=2,
    )
    began = time.perf_counter()
    result = services.calendar_import(actor=None, text=text, filename="bench-2027.json")
    elapsed = time.perf_counter() - began
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT count(*) FROM {TABLE} WHERE due_on >= '2027-01-01' AND start_on <= '2027-12-31'"  # noqa: S608
        )
        spanning = cur.fetchone()[0]
    changed = result.recomputed["bench.items"]
    print(f"import 2027 + recompute: {spanning:,} open items span 2027, {changed:,} changed; "
          f"{elapsed:.1f} s (target < 60 s) -> {'OK' if elapsed < 60 else 'TOO SLOW'}")  # fmt: skip

    # explain=False is what recomputers use; explain=True also lists at most 12 holidays, so
    # its cost grows until a span holds a dozen of them and then stays flat.
    print(f"one computation (µs, mean of {args.repeat}):")
    for unit, amounts in (("workday", (10, 1000, 10_000)), ("day", (10, 1000, 10_000)),
                          ("month", (1, 60, 600))):  # fmt: skip
        for explain in (False, True):
            cells = [(n, timed_compute(n, unit, args.repeat, explain)) for n in amounts]
            figures = "   ".join(f"amount={n:<6} {us:7.1f}" for n, us in cells)
            ratio = cells[-1][1] / cells[0][1]
            print(f"  {unit:<8} explain={explain!s:<5} {figures}   ratio last/first {ratio:.2f}")


if __name__ == "__main__":
    main()
