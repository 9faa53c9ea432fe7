"""The daily jobs behind `fazhi tick`: each module registers its jobs here (in its
AppConfig.ready); the command runs them in name order, each in its own transaction, and a
job that fails is reported in Chinese while the others still run."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

log = logging.getLogger("fazhi.jobs")


@dataclass(frozen=True)
class Job:
    name: str  # "disclosure.abandon": module first, so that name order groups a module's jobs
    label: str  # 逾期未补正视为放弃
    run: Callable[[date], str]  # today -> one report line


_JOBS: dict[str, Job] = {}


def register(name: str, label: str, fn: Callable[[date], str]) -> None:
    """Register a daily job; registering the same name again replaces it (ready() may run
    more than once under test)."""
    if not name or not label:
        raise ValueError("a job needs a name and a Chinese label")
    _JOBS[name] = Job(name, label, fn)


def registered() -> list[Job]:
    return [job for _, job in sorted(_JOBS.items())]


def get(name: str) -> Job:
    try:
        return _JOBS[name]
    except KeyError:
        raise LookupError(f"定时任务“{name}”未登记") from None


@dataclass(frozen=True)
class Outcome:
    job: Job
    ok: bool
    line: str  # what the job reported, or why it failed (Chinese)


def _failure(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return f"{type(exc).__name__}：{exc}"[:300]


def run_one(job: Job, today: date) -> Outcome:
    """Run one job in its own transaction: a failure rolls back that job's work only."""
    try:
        with transaction.atomic():
            line = job.run(today)
    except Exception as exc:
        log.exception("job %s failed", job.name)
        return Outcome(job, False, f"失败：{_failure(exc)}")
    return Outcome(job, True, line)


def run_all(today: date) -> list[Outcome]:
    return [run_one(job, today) for job in registered()]
