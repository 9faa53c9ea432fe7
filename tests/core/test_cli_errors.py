"""The `fazhi` command refuses bad input in one Chinese line, never a traceback (#13 items
13 and 21)."""

from __future__ import annotations

import importlib
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import fazhi
from fazhi.core.commands import Command


def fazhi_cli(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FAZHI_VAR_DIR": str(tmp_path)}
    return subprocess.run(  # noqa: S603 (our own command)
        [sys.executable, "-m", "fazhi.cli", *args],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("tick", "--today", "2026-13-01"), "“--today”2026-13-01 不是有效的日期"),
        (("tick", "--today", "9999-12-31"), "定时任务只能补跑已经过去的日子"),
        (("tick", "--today", "明天"), "格式不正确"),
        (("tick", "--bogus"), "无法识别的参数：--bogus"),
        (("laws", "search"), "缺少必需的参数：query"),
        (("laws", "search", "x", "--limit", "abc"), "参数 --limit 应为整数"),
    ],
)
def test_bad_input_is_one_chinese_line_and_a_failing_exit_code(args, message, tmp_path):
    done = fazhi_cli(*args, tmp_path=tmp_path)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("错误")]
    assert len(errors) == 1, done.stderr
    assert message in errors[0]


def test_an_unexpected_failure_is_one_line_too(tmp_path):
    # No migrations in an empty var dir: the first query fails.
    done = fazhi_cli("audit", "verify", tmp_path=tmp_path)
    if "postgres" in os.environ.get("FAZHI_DATABASE_URL", ""):
        pytest.skip("the PostgreSQL database of this run is migrated")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "命令未完成" in done.stderr
    assert "--traceback" in done.stderr


def test_every_fazhi_command_uses_the_chinese_base():
    for info in pkgutil.walk_packages(fazhi.__path__, "fazhi."):
        if ".management.commands." not in info.name:
            continue
        module = importlib.import_module(info.name)
        assert issubclass(module.Command, Command), info.name
