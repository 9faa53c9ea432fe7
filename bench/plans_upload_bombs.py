"""Benchmark: hostile uploads to the plans module, each read in a fresh subprocess.

Measures wall time and the peak resident memory the read adds (ru_maxrss after the read minus
before it) for: a ledger .xlsx of 200,000 real rows (7.7 MB), a ledger whose sheet XML is
broken, a ledger claiming 1,048,576 rows, and a .docx whose document.xml unpacks to 190 MB
(packed < 1 MB) as a plan to import and as progress evidence. The child's address space is
capped (``--limit-gb``) so a bomb cannot take the machine down; "killed" means it hit the cap.

    .venv/bin/python -m bench.plans_upload_bombs [--limit-gb 8] [--rows 200000]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

CASES = ("ledger_many_rows", "ledger_broken_xml", "ledger_claiming_rows", "docx_bomb_plan",
         "docx_bomb_evidence")  # fmt: skip


def child(case: str, path: str) -> None:
    import resource
    import time

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    import django

    django.setup()
    from django.core.exceptions import ValidationError

    from fazhi.core.uploads import check
    from fazhi.plans import excel
    from fazhi.plans.models import EVIDENCE_UPLOADS, Plan
    from fazhi.plans.parsing.reader import read_plan_file

    data = Path(path).read_bytes()
    plan = Plan(pk=1, title="基准方案", report_frequency="quarterly")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    outcome = "accepted"
    try:
        if case.startswith("ledger"):
            excel.read_ledger(data, plan)
        elif case == "docx_bomb_plan":
            read_plan_file("方案.docx", data)
        else:
            check(EVIDENCE_UPLOADS, "佐证.docx", data)
    except ValidationError as exc:
        outcome = "refused: " + "；".join(exc.messages)
    except MemoryError:
        outcome = "MemoryError (would be a 500 or a killed worker)"
    except Exception as exc:  # what a view would turn into a 500
        outcome = f"500: {type(exc).__name__}: {str(exc)[:80]}"
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": elapsed, "peak_mb": (after - before) / 1024, "outcome": outcome}))


def build(case: str, rows: int) -> bytes:
    from tests.plans import hostile

    if case == "ledger_many_rows":
        return hostile.ledger_many_rows(rows)
    if case == "ledger_broken_xml":
        return hostile.ledger_broken_xml()
    if case == "ledger_claiming_rows":
        return hostile.ledger_claiming_rows()
    return hostile.docx_bomb(190)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit-gb", type=float, default=8.0)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--child", nargs=2, metavar=("CASE", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    limit = int(args.limit_gb * 1024**3)
    env = {**os.environ, "FAZHI_VAR_DIR": tempfile.mkdtemp(prefix="fazhi-bench-bombs-")}
    with tempfile.TemporaryDirectory() as folder:
        for case in CASES:
            path = Path(folder) / case
            path.write_bytes(build(case, args.rows))
            size = path.stat().st_size

            def cap() -> None:
                import resource

                resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

            done = subprocess.run(  # noqa: S603 (our own interpreter and module)
                [sys.executable, "-m", "bench.plans_upload_bombs", "--child", case, str(path)],
                capture_output=True, text=True, env=env, preexec_fn=cap, timeout=600,
            )  # fmt: skip
            lines = done.stdout.strip().splitlines()
            if done.returncode != 0 or not lines:
                print(f"{case:22} {size / 1024:8.0f} KB  killed (exit {done.returncode})")
                continue
            result = json.loads(lines[-1])
            print(
                f"{case:22} {size / 1024:8.0f} KB  {result['seconds']:6.2f} s  "
                f"+{result['peak_mb']:7.0f} MB  {result['outcome'][:110]}"
            )


if __name__ == "__main__":
    main()
