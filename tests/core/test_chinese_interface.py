"""Everything a user reads is Chinese: no internal codes, field names or English labels
(#13 item 7)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from django.utils import translation

import fazhi
from fazhi.core import audit_labels
from fazhi.disclosure import services as disclosure_services
from tests.conftest import client_for
from tests.disclosure.helpers import register

pytestmark = pytest.mark.django_db


def test_a_request_page_shows_no_english_label_and_its_timeline_no_codes(world):
    disclosure_services.desk_set(actor=None, unit=world.gov_a)
    found = register(world, on=date(2026, 9, 1))
    client = client_for(world.clerk_a)
    detail = client.get(f"/disclosure/{found.pk}/").content.decode()
    assert "Version" not in detail
    timeline = client.get(f"/cases/{found.case_id}/").content.decode()
    assert "当面提交" in timeline
    assert "自然人" in timeline or "公民" in timeline
    for code in (">person<", ">in_person<", ">online<", "：person", "：in_person"):
        assert code not in timeline


def test_the_audit_page_reads_as_an_auditors_record(world):
    from fazhi.core import services

    services.user_update(actor=world.admin, user=world.clerk_a, roles=["clerk", "unit_admin"])
    client = client_for(world.admin)
    html = client.get("/audit/", {"action": "user.update"}).content.decode()
    table = html[html.index('<table class="data audit">') :]
    assert "修改用户" in table
    assert "user.update" not in table
    assert "core.user" not in table
    assert "角色：经办人 → " in table
    assert "单位管理员" in table
    login = client.get("/audit/").content.decode()
    assert "auth.login" not in login[login.index('<table class="data audit">') :]


def test_every_audit_action_written_in_the_code_has_a_label():
    """Literal codes in the source; run-time families are checked by the strict mode of the
    whole suite (FAZHI_AUDIT_STRICT)."""
    root = Path(fazhi.__file__).parent
    codes = set()
    for path in root.rglob("*.py"):
        codes |= set(re.findall(r'action="([a-z_]+\.[a-z_.]+)"', path.read_text("utf-8")))
    missing = sorted(c for c in codes if audit_labels.action_label(c) is None)
    assert missing == []


def test_the_deadline_calculator_names_rules_without_their_codes(world):
    html = client_for(world.clerk_a).get("/calendar/rules/").content.decode()
    select = html[html.index('id="id_rule"') : html.index("</select>", html.index('id="id_rule"'))]
    assert "政府信息公开" in select
    assert "disclosure.reply" not in re.sub(r'value="[^"]*"', "", select)


def test_the_admin_names_the_login_protection_in_chinese(world):
    html = client_for(world.admin).get("/admin/").content.decode()
    assert "登录防护" in html
    assert "Axes" not in html
    assert "access attempt" not in html.lower()


def test_the_shipped_translations_are_compiled_from_their_source():
    po = Path(fazhi.__file__).parent / "locale/zh_Hans/LC_MESSAGES/django.po"
    pairs = re.findall(r'^msgid "(.+)"\nmsgstr "(.+)"$', po.read_text("utf-8"), re.M)
    assert pairs
    with translation.override("zh-hans"):
        for msgid, msgstr in pairs:
            assert translation.gettext(msgid) == msgstr.replace('\\"', '"'), msgid
