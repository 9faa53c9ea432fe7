"""Benchmark: parse the seed plan. Usage: .venv/bin/python -m bench.plans_parse [FILE] [-n RUNS]"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_242dd94098f8f416.txt"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("file", nargs="?", default=str(SEED))
    parser.add_argument("-n", "--runs", type=int, default=50)
    args = parser.parse_args()
    path = Path(args.file)
    if not path.exists():
        sys.exit(f"跳过：找不到方案文件 {path}（需要 ../shared）")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    import django

    django.setup()
    from fazhi.plans.parsing import parse_file

    data = path.read_bytes()
    started = time.perf_counter()
    _, result = parse_file(path.name, data)  # first run includes imports and regex compilation
    first = (time.perf_counter() - started) * 1000
    timings = []
    for _ in range(args.runs):
        started = time.perf_counter()
        parse_file(path.name, data)
        timings.append((time.perf_counter() - started) * 1000)
    print(f"file: {path.name} ({len(data)} bytes)")
    print(
        f"parsed: {len(result.chapters)} chapters, {len(result.measures)} measures, "
        f"{result.task_count} tasks, {len(result.targets)} targets, {len(result.warnings)} warnings"
    )
    print(f"first run: {first:.1f} ms")
    print(
        f"{args.runs} runs: median {statistics.median(timings):.1f} ms, "
        f"p95 {sorted(timings)[int(len(timings) * 0.95) - 1]:.1f} ms, max {max(timings):.1f} ms "
        f"(budget 200 ms)"
    )


if __name__ == "__main__":
    main()
