"""Benchmark: scoped list pages and audit verification at city scale.

2,000 units, 20,000 users, 1,000,000 audit events; measures the server time of the unit, user
and audit list pages (rendered by Django's test client, i.e. the whole view and template)
for a city supervisor and a county clerk, and the time of `fazhi audit verify`.

Run against a throwaway PostgreSQL database (it is emptied first):

    createdb -h 127.0.0.1 -U postgres fazhi_bench
    FAZHI_DATABASE_URL=postgres://postgres@127.0.0.1:5432/fazhi_bench \\
        .venv/bin/python -m bench.core_scope [--events 1000000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from datetime import UTC, datetime, timedelta
from typing import Any


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--users", type=int, default=20000)
    parser.add_argument("--events", type=int, default=1_000_000)
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
    if args.reuse:
        from fazhi.core.models import User

        supervisor = User.objects.get(username="bench_supervisor")
        clerk = User.objects.get(username="bench_clerk")
    else:
        call_command("flush", interactive=False, verbosity=0)
        call_command("migrate", interactive=False, verbosity=0)
        started = time.perf_counter()
        supervisor, clerk = build(args.units, args.users)
        print(f"units {args.units}, users {args.users}: {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        chain(args.events)
        print(f"audit events {args.events}: generated in {time.perf_counter() - started:.1f} s")
    from fazhi.core.models import AuditEvent, Organisation, User

    print(
        f"rows: {Organisation.objects.count()} units, {User.objects.count()} users, "
        f"{AuditEvent.objects.count()} audit events"
    )

    from django.test import Client

    for who, user in (("supervisor", supervisor), ("county clerk", clerk)):
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        for url in ("/orgs/", "/users/", "/audit/", "/orgs/?q=局", "/audit/?action=case."):
            client.get(url)  # warm
            times = []
            for _ in range(args.repeat):
                t = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - t) * 1000)
                assert response.status_code in (200, 403), (url, response.status_code)
            print(
                f"{who:13s} {url:24s} status {response.status_code}  "
                f"p50 {statistics.median(times):6.1f} ms  max {max(times):6.1f} ms"
            )

    from fazhi.core import audit

    t = time.perf_counter()
    result = audit.verify()
    print(
        f"audit verify: ok={result.ok} checked={result.checked} in {time.perf_counter() - t:.1f} s"
    )


def build(n_units: int, n_users: int) -> tuple[Any, Any]:
    from fazhi.core import services
    from fazhi.core.demo import load_divisions
    from fazhi.core.models import Division, Organisation, Role, User

    load_divisions()
    counties = list(Division.objects.filter(level="county"))
    city = Division.objects.get(code="361000")
    # Top level: 40 units (county governments and city departments); each later unit i sits
    # under unit i // 4, created generation by generation so parents exist first.
    orgs: list[Organisation] = []
    lo = 0
    while lo < n_units:
        hi = min(n_units, 40 if lo == 0 else lo * 4)
        generation = []
        for i in range(lo, hi):
            parent = orgs[i // 4] if i >= 40 else None
            division = (
                parent.division if parent else (counties[i % len(counties)] if i % 3 else city)
            )
            generation.append(
                Organisation(
                    name=f"单位{i:05d}局",
                    short_name=f"单位{i}",
                    kind="department",
                    division=division,
                    parent=parent,
                    path="",
                )
            )
        Organisation.objects.bulk_create(generation, batch_size=1000)
        saved = list(Organisation.objects.filter(path="").order_by("id"))
        for org in saved:
            org.path = (org.parent.path if org.parent else "/") + f"{org.pk}/"
        Organisation.objects.bulk_update(saved, ["path"], batch_size=1000)
        orgs.extend(saved)
        lo = hi
    clerk_role = Role.objects.get(code="clerk")
    password = User(username="x")
    password.set_password("Bench@2026x")
    users = [
        User(username=f"user{i:06d}", name=f"用户{i}", unit=orgs[i % len(orgs)],
             password=password.password)
        for i in range(n_users)
    ]  # fmt: skip
    User.objects.bulk_create(users, batch_size=2000)
    through = User.roles.through
    through.objects.bulk_create(
        [
            through(user_id=u, role_id=clerk_role.pk)
            for u in User.objects.values_list("id", flat=True)
        ],
        batch_size=5000,
    )
    city_office = services.organisation_create(
        actor=None, name="依法治市办(bench)", kind="party", division=city
    )
    supervisor = services.user_create(
        actor=None, username="bench_supervisor", name="督查", unit=city_office,
        password="Bench@2026x", roles=["supervisor", "unit_admin"],
    )  # fmt: skip
    clerk = services.user_create(
        actor=None, username="bench_clerk", name="经办", unit=orgs[41],
        password="Bench@2026x", roles=["clerk", "unit_admin"],
    )  # fmt: skip
    return supervisor, clerk


def chain(n_events: int) -> None:
    """Append n valid events after the existing chain, as the service would, in bulk."""
    from fazhi.core import audit
    from fazhi.core.models import AuditChainHead, AuditEvent, Organisation

    head = AuditChainHead.objects.get(id=1)
    units = list(
        Organisation.objects.select_related("division").values_list("id", "path", "division__path")
    )
    prev, seq = head.hash, head.seq
    start = datetime(2025, 1, 1, tzinfo=UTC)
    batch: list[AuditEvent] = []
    for i in range(n_events):
        seq += 1
        unit_id, unit_path, division_path = units[i % len(units)]
        fields = audit._hashed_fields(
            seq=seq, at=start + timedelta(seconds=seq * 20), actor_id=None,
            actor_name=f"用户{i % 20000}", unit_id=unit_id, unit_path=unit_path,
            division_path=division_path, ip="10.0.0.1", action=f"case.step{i % 7}",
            object_type="bench.case", object_id=str(i), object_repr=f"案件{i}",
            before=None, after={"state": i % 5},
        )  # fmt: skip
        digest = audit.chain_hash(prev, fields)
        batch.append(
            AuditEvent(
                seq=seq,
                at=start + timedelta(seconds=seq * 20),
                actor_name=fields["actor_name"],
                unit_id=unit_id,
                unit_path=unit_path,
                division_path=division_path,
                ip="10.0.0.1",
                action=fields["action"],
                object_type="bench.case",
                object_id=str(i),
                object_repr=fields["object_repr"],
                after=fields["after"],
                prev_hash=prev,
                hash=digest,
            )
        )
        prev = digest
        if len(batch) == 10_000:
            AuditEvent.objects.bulk_create(batch)
            batch = []
    AuditEvent.objects.bulk_create(batch)
    AuditChainHead.objects.filter(id=1).update(seq=seq, hash=prev)
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


if __name__ == "__main__":
    main()
