"""Benchmark: importing a large plan (parse → draft → preview page → confirm).

Builds a plan text of about ``--mb`` megabytes from the seed plan: its "二、任务措施" chapter
repeated, between the seed's own head and tail. Times each step,
counts SQL statements and how long the confirm holds the database's write lock (from its first
INSERT/UPDATE/DELETE to the end of the commit). Runs on a throwaway SQLite database in a
temporary directory (or the one FAZHI_DATABASE_URL names: it is flushed first).

    .venv/bin/python -m bench.plans_import [--mb 20] [--copies N]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_242dd94098f8f416.txt"


def build_text(seed: str, *, copies: int | None, megabytes: float) -> str:
    lines = seed.split("\n")
    start = next(i for i, line in enumerate(lines) if line.strip().startswith("二、"))
    end = next(i for i, line in enumerate(lines) if line.strip().startswith("三、"))
    head, block, tail = lines[:start], lines[start:end], lines[end:]
    per_copy = len("\n".join(block).encode("utf-8"))
    if copies is None:
        copies = max(1, int(megabytes * 1024 * 1024 / per_copy))
    # Each copy starts with the chapter's own heading, so its measures are numbered 1… again
    # (the parser then numbers the measures in order).
    out = head + block * copies + tail
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=float, default=20.0, help="size of the generated plan")
    parser.add_argument("--copies", type=int, default=None, help="copies of the measures chapter")
    args = parser.parse_args()
    if not SEED.exists():
        sys.exit(f"跳过：找不到参考方案 {SEED}（需要 ../shared）")
    if not os.environ.get("FAZHI_DATABASE_URL"):
        os.environ["FAZHI_VAR_DIR"] = tempfile.mkdtemp(prefix="fazhi-bench-import-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    os.environ.setdefault("FAZHI_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.conf import settings
    from django.core.exceptions import ValidationError
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from fazhi.plans import services
    from fazhi.plans.parsing import parse_file
    from tests.conftest import build_world

    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", interactive=False, verbosity=0)
    world = build_world()
    text = build_text(SEED.read_text(encoding="utf-8"), copies=args.copies, megabytes=args.mb)
    data = text.encode("utf-8")
    print(f"database: {connection.vendor}; plan text: {len(data) / 1024 / 1024:.1f} MB")

    started = time.perf_counter()
    try:
        _, parsed = parse_file("方案.txt", data)
    except ValidationError as exc:
        print(f"parse: refused in {time.perf_counter() - started:.2f} s: {'；'.join(exc.messages)}")
    else:
        print(
            f"parse: {time.perf_counter() - started:.2f} s, {len(parsed.measures)} measures, "
            f"{parsed.task_count} tasks"
        )

    started = time.perf_counter()
    try:
        with CaptureQueriesContext(connection) as queries:
            draft = services.plan_draft_create(actor=world.supervisor, name="方案.txt", data=data)
    except ValidationError as exc:
        print(
            f"upload: refused in {time.perf_counter() - started:.2f} s: {'；'.join(exc.messages[:3])}"
        )
        return
    print(f"upload (draft): {time.perf_counter() - started:.2f} s, {len(queries)} SQL statements")
    for name, entry in draft.data["units"].items():
        if not entry["match"]:
            draft.data["units"][name]["choice"] = "ignore"
    draft.save(update_fields=["data"])

    client = Client()
    client.force_login(world.supervisor)
    started = time.perf_counter()
    page = client.get(f"/plans/import/{draft.pk}/")
    print(
        f"preview page: {time.perf_counter() - started:.2f} s, HTTP {page.status_code}, "
        f"{len(page.content) / 1024 / 1024:.1f} MB of HTML"
    )

    first_write: list[float] = []
    statements = [0]

    def watch(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements[0] += 1
        if not first_write and sql.lstrip()[:6].upper() in {"INSERT", "UPDATE", "DELETE"}:
            first_write.append(time.perf_counter())
        return execute(sql, params, many, context)

    started = time.perf_counter()
    with connection.execute_wrapper(watch):
        try:
            plan = services.plan_import_confirm(actor=world.supervisor, draft_id=draft.pk)
        except ValidationError as exc:
            print(f"confirm: refused: {'；'.join(exc.messages[:3])}…")
            return
    done = time.perf_counter()
    held = done - first_write[0] if first_write else 0.0
    print(
        f"confirm: {done - started:.2f} s, {statements[0]} SQL statements, write lock held "
        f"{held:.2f} s; plan {plan.pk} with {plan.tasks.count()} tasks"
    )


if __name__ == "__main__":
    main()
