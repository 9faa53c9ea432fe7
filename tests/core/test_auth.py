"""Login, logout, lockout, session expiry, password change, CSRF."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from fazhi.core.models import AuditEvent
from tests.conftest import PASSWORD, client_for

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def login(client: Client, username: str, password: str):
    return client.post(LOGIN, {"username": username, "password": password})


def test_it_logs_in_with_the_right_password_and_records_it(world):
    client = Client()
    response = login(client, "clerk_a", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    home = client.get("/")
    assert "张临川" in home.content.decode()
    assert AuditEvent.objects.filter(action="auth.login", actor=world.clerk_a).count() == 1


def test_it_refuses_a_wrong_password_in_chinese_and_records_it(world):
    client = Client()
    response = login(client, "clerk_a", "wrong-Password1")
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.object_repr == "clerk_a"
    assert event.after == {"username": "clerk_a", "known_user": True}


def test_it_locks_the_account_after_repeated_failures(world):
    client = Client()
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        assert login(client, "clerk_a", "wrong-Password1").status_code == 200
    locked = login(client, "clerk_a", "wrong-Password1")
    assert locked.status_code == 429
    assert "账号已锁定" in locked.content.decode()
    # Even the right password is refused while locked.
    again = login(client, "clerk_a", PASSWORD)
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.locked_out", object_repr="clerk_a").exists()
    # Another account is not affected.
    assert login(Client(), "clerk_b", PASSWORD).status_code == 302


def test_it_logs_out_only_by_post_and_records_it(world):
    client = client_for(world.clerk_a)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(action="auth.logout", actor=world.clerk_a).exists()


def test_an_expired_session_sends_the_user_to_login_with_a_message(world):
    client = client_for(world.clerk_a)
    client.session.flush()
    # The browser still holds the old cookie, but the server no longer knows it.
    client.cookies[settings.SESSION_COOKIE_NAME] = "expired-session-key"
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith(LOGIN)
    assert "登录已超时，请重新登录" in response.content.decode()


def test_sessions_expire_after_idle_time_and_with_the_browser():
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert 0 < settings.SESSION_COOKIE_AGE <= 8 * 3600


def test_a_post_without_csrf_token_is_refused_with_a_chinese_page(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post(LOGIN, {"username": "clerk_a", "password": PASSWORD})
    assert response.status_code == 403
    assert "请求已失效" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_change_enforces_chinese_rules(world):
    client = client_for(world.clerk_a)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "abcdefghij", "new_password2": "abcdefghij"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "密码须至少包含大写字母、小写字母、数字、特殊字符中的 3 类" in body
    world.clerk_a.refresh_from_db()
    assert world.clerk_a.check_password(PASSWORD)


def test_password_change_works_keeps_the_session_and_is_audited(world):
    client = client_for(world.clerk_a)
    new = "Another#Pass2027"
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    world.clerk_a.refresh_from_db()
    assert world.clerk_a.check_password(new)
    assert world.clerk_a.password.startswith("argon2$")
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="auth.password_changed").count() == 1


def test_the_admin_uses_the_platform_login_and_refuses_non_staff(world):
    anonymous = Client().get("/admin/")
    assert anonymous.status_code == 302
    follow = Client().get("/admin/", follow=True)
    assert follow.redirect_chain[-1][0].startswith(LOGIN)
    clerk = client_for(world.clerk_a).get("/admin/", follow=True)
    assert clerk.status_code == 403
    assert "后台管理的权限" in clerk.content.decode()
    admin = client_for(world.admin).get("/admin/")
    assert admin.status_code == 200
    assert "后台管理" in admin.content.decode()
