"""Benchmark: indicator recomputation, the targets dashboard and the annual report draft.

Builds the demo city (13 county-level governments, ~30 city departments), the demo indicator
plan, and ``--requests`` disclosure requests registered (and half of them answered) through
the disclosure services; then measures:

- recomputing every computed indicator (all years, every unit) — what `fazhi tick` and each
  disclosure save trigger;
- the dashboard page (server time through the test client) for the city supervisor and a
  county clerk;
- building the annual report .docx;
- the 2026 assessment page (ranking, provisional while its 50-point item is unscored) and
  the ranking's .xlsx export.

Run against a throwaway database (it is emptied first), e.g.:

    createdb -h 127.0.0.1 -U postgres fazhi_bench_indicators
    FAZHI_DATABASE_URL=postgres://postgres@127.0.0.1:5432/fazhi_bench_indicators \\
        .venv/bin/python -m bench.indicators_recompute [--requests 300]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from datetime import date, timedelta
from functools import partial


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), max(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    os.environ.setdefault("FAZHI_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    settings.ALLOWED_HOSTS = ["testserver"]
    print(f"database: {connection.vendor} {settings.DATABASES['default']['NAME']}")
    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", interactive=False, verbosity=0)

    from fazhi.core.demo import load_demo
    from fazhi.core.models import Organisation, OrgKind, User
    from fazhi.disclosure import services as disclosure
    from fazhi.disclosure.models import ApplicantType, Channel
    from fazhi.indicators import report, services
    from fazhi.indicators.demo import TITLE, load_demo_indicators
    from fazhi.indicators.models import Indicator, IndicatorValue
    from fazhi.plans.models import Plan
    from fazhi.workdays.index import current_calendar

    load_demo()
    started = time.perf_counter()
    print(load_demo_indicators(), f"({time.perf_counter() - started:.1f} s)")
    plan = Plan.objects.get(title=TITLE)
    supervisor = User.objects.get(username="dcy")
    clerk = User.objects.get(username="lc")

    # Requests across the county governments, received on working days of 2026, registered
    # by a system-wide clerk of each unit; every second one answered 10 working days later.
    from fazhi.core import services as core_services

    calendar = current_calendar()
    governments = list(
        Organisation.objects.filter(kind=OrgKind.GOVERNMENT).exclude(division__level="city")
    )
    handlers = {
        gov.pk: core_services.user_create(
            actor=None,
            username=f"bench{gov.pk}",
            name="基准经办",
            unit=gov,
            password="Bench@Pass2026",
            roles=["clerk"],
        )
        for gov in governments
    }
    day = date(2026, 1, 5)
    started = time.perf_counter()
    for n in range(args.requests):
        gov = governments[n % len(governments)]
        while not calendar.is_workday(day):
            day += timedelta(days=1)
        request = disclosure.disclosure_register(
            actor=handlers[gov.pk],
            unit=gov,
            channel=Channel.IN_PERSON,
            submitted_on=day,
            application=disclosure.Application(
                applicant_type=ApplicantType.PERSON,
                applicant_name=f"申请人{n}",
                description=f"第{n}号基准申请所需的政府信息",
                phone="13900000000",
            ),
        )
        if n % 2 == 0:
            request.case.refresh_from_db()
            disclosure.disclosure_act(
                actor=handlers[gov.pk],
                request_id=request.pk,
                action="reply",
                on=calendar.nth_workday_after(day, 10),
                version=request.case.version,
                inputs={"reply_type": "public", "reply_text": "予以公开"},
            )
        if n % len(governments) == len(governments) - 1:
            day += timedelta(days=1)
    print(f"disclosure requests {args.requests}: {time.perf_counter() - started:.1f} s")

    computed = list(Indicator.objects.filter(kind="computed"))
    units = sum(i.units.count() + 1 for i in computed)
    years = sum(len(i.years) for i in computed)
    print(
        f"computed indicators {len(computed)}, units per indicator incl. total {units}, years {years}"
    )
    median, worst = timed(lambda: services.indicators_recompute(), args.repeat)
    print(f"recompute all (unchanged): median {median:.0f} ms, max {worst:.0f} ms")
    total = IndicatorValue.objects.get(
        indicator__in=computed, year=2026, unit=None, is_current=True
    )
    print(f"2026 answer rate: {total.display} ({total.numerator}/{total.denominator})")

    url = "/indicators/?year=2026"
    for who in (supervisor, clerk):
        client = Client()
        client.force_login(who, backend="django.contrib.auth.backends.ModelBackend")
        assert client.get(url).status_code == 200
        median, worst = timed(partial(client.get, url), args.repeat)
        print(f"dashboard as {who.username}: median {median:.0f} ms, max {worst:.0f} ms")
    median, worst = timed(lambda: report.build(supervisor, plan, 2026), args.repeat)
    print(f"annual report .docx: median {median:.0f} ms, max {worst:.0f} ms")

    from fazhi.indicators.models import AssessmentScheme

    scheme = AssessmentScheme.objects.get(year=2026)
    client = Client()
    client.force_login(supervisor, backend="django.contrib.auth.backends.ModelBackend")
    for label, page in (
        ("assessment page", f"/indicators/assessment/{scheme.pk}/"),
        ("ranking .xlsx", f"/indicators/assessment/{scheme.pk}/ranking.xlsx"),
    ):
        assert client.get(page).status_code == 200
        median, worst = timed(partial(client.get, page), args.repeat)
        print(f"{label} ({scheme.units.count()} units): median {median:.0f} ms, max {worst:.0f} ms")


if __name__ == "__main__":
    main()
