"""`fazhi serve` as it runs in production: workers that share no database connection with
the master (#13 item 24), and gunicorn's own refusals as Chinese pages (#13 item 21)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _database_url() -> str:
    """The test database of this run, for the server process."""
    s = connection.settings_dict
    if connection.vendor == "postgresql":
        return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    return ""


@pytest.fixture
def server(tmp_path: Path):
    port = _free_port()
    env = {**os.environ, "FAZHI_VAR_DIR": str(tmp_path), "FAZHI_LOG_LEVEL": "WARNING"}
    if url := _database_url():
        env["FAZHI_DATABASE_URL"] = url
    else:
        env.pop("FAZHI_DATABASE_URL", None)  # a fresh SQLite file in tmp_path
    process = subprocess.Popen(  # noqa: S603 (our own command)
        [sys.executable, "-m", "fazhi.cli", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError as exc:
            if process.poll() is not None:
                raise AssertionError(process.stderr.read() if process.stderr else "") from exc
            time.sleep(0.05)
    try:
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def _fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 (localhost)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return int(response.status), response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return int(exc.code), exc.read().decode("utf-8", "replace")


def _status(url: str) -> int:
    return _fetch(url)[0]


def test_a_load_right_after_start_has_no_errors(server):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite opens no connection that could cross the fork (CONN_MAX_AGE 0)")
    urls = [f"{server}/healthz", f"{server}/public/laws/?q=%E5%A4%8D%E8%AE%AE"] * 100
    with ThreadPoolExecutor(max_workers=2) as pool:
        statuses = list(pool.map(_status, urls))
    assert statuses.count(200) == len(urls), {s: statuses.count(s) for s in set(statuses)}


def test_a_very_long_url_gets_a_chinese_page(server):
    status, body = _fetch(f"{server}/public/laws/?q={'%E6%B3%95' * 3000}")
    assert status == 414
    assert "网址过长" in body


def test_oversized_headers_get_a_chinese_page(server):
    status, body = _fetch(f"{server}/healthz", headers={"Cookie": "x" * 10_000})
    assert status in (400, 431)
    assert "请求" in body
