"""The page shell: home page, security headers, health check, error pages."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client

from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def counts(response) -> dict[str, int]:
    body = response.content.decode()
    import re

    return {label: int(value) for label, value in re.findall(r'data-count="([^"]+)">(\d+)<', body)}


def test_an_anonymous_visitor_is_sent_to_login(world):
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_the_home_page_shows_the_users_unit_name_and_scoped_counts(world):
    supervisor = client_for(world.supervisor).get("/")
    clerk_a = client_for(world.clerk_a).get("/")
    assert supervisor.status_code == clerk_a.status_code == 200
    assert "依法治市办" in supervisor.content.decode()
    assert "王督查" in supervisor.content.decode()
    # 7 units exist; the supervisor sees all of them, a clerk only his own unit.
    assert counts(supervisor)["可见单位"] == 7
    assert counts(clerk_a)["可见单位"] == 1
    assert counts(clerk_a)["可见用户"] == 1
    assert "审计事件" in counts(supervisor)
    assert "审计事件" not in counts(clerk_a)


def test_the_navigation_shows_only_built_modules_and_admin_to_staff(world):
    clerk = client_for(world.clerk_a).get("/").content.decode()
    admin = client_for(world.admin).get("/").content.decode()
    assert 'href="/admin/"' not in clerk
    assert 'href="/admin/"' in admin


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/healthz", "/no-such-page/"])
def test_every_response_carries_the_security_headers(world, path):
    response = client_for(world.clerk_a).get(path)
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_pages_have_no_inline_scripts_or_styles(world):
    body = client_for(world.admin).get("/").content.decode()
    assert "<script>" not in body
    assert "<script src=" in body
    assert "style=" not in body
    assert "<style" not in body


def test_healthz_is_ok_when_the_database_answers():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_says_503_when_the_database_is_down():
    with mock.patch(
        "fazhi.core.views.connection.cursor", side_effect=OperationalError("connection refused")
    ):
        response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_a_page_shows_a_chinese_503_without_a_trace_when_the_database_is_down(world):
    client = client_for(world.clerk_a)
    with mock.patch(
        "fazhi.core.selectors.home_counts", side_effect=OperationalError("server closed")
    ):
        response = client.get("/")
    assert response.status_code == 503
    body = response.content.decode()
    assert "系统暂时不可用" in body
    assert "Traceback" not in body
    assert "server closed" not in body


def test_an_unknown_url_gets_a_chinese_404(world):
    response = client_for(world.clerk_a).get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_an_unexpected_error_gets_a_chinese_500_without_a_trace(world):
    client = client_for(world.clerk_a)
    client.raise_request_exception = False
    with mock.patch("fazhi.core.selectors.home_counts", side_effect=ValueError("secret detail")):
        response = client.get("/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "系统出错" in body
    assert "secret detail" not in body


def test_requests_are_logged_as_json(world, caplog):
    caplog.set_level("INFO", logger="fazhi.request")
    client_for(world.clerk_a).get("/", HTTP_X_REQUEST_ID="req-42")
    record = next(r for r in caplog.records if r.name == "fazhi.request")
    assert record.request_id == "req-42"
    assert record.status == 200
    assert record.user_id == world.clerk_a.pk
    assert record.duration_ms >= 0
    import json

    from fazhi.core.logs import JsonFormatter

    line = json.loads(JsonFormatter().format(record))
    assert line["path"] == "/"
    assert line["method"] == "GET"
