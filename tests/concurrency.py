"""Running a function in several threads at once against PostgreSQL, for the concurrency
tests of every module (real transactions; the ``postgres`` fixture of tests/conftest.py skips
them on SQLite, which serialises writers by itself)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connections


def in_threads(count: int, fn: Callable[[int], object]) -> list[object]:
    """``fn(i)`` for i in range(count), all started at one barrier; exceptions are returned."""
    results: list[object] = [None] * count
    barrier = threading.Barrier(count)

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = fn(i)
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results
