"""The audit trail: every write is an event, and tampering is detected by `fazhi audit verify`."""

from __future__ import annotations

import io
import itertools
from typing import Any

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from fazhi.core import audit, services
from fazhi.core.models import AuditEvent, OrgKind
from tests.conftest import PASSWORD, client_for

pytestmark = pytest.mark.django_db


def run_verify() -> str:
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()


def raw(sql: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_every_service_write_appends_a_chained_event(world):
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    for previous, event in itertools.pairwise(events):
        assert event.prev_hash == previous.hash
    create = AuditEvent.objects.get(action="user.create", object_repr="张临川")
    assert create.after["username"] == "clerk_a"
    assert create.after["roles"] == ["clerk"]
    assert "审计链完整" in run_verify()


def test_editing_one_stored_event_is_detected_and_named(world):
    victim = AuditEvent.objects.get(action="user.create", object_repr="张临川")
    raw("UPDATE core_auditevent SET object_repr = %s WHERE id = %s", ["李四", victim.pk])
    with pytest.raises(CommandError) as failure:
        run_verify()
    message = str(failure.value)
    assert f"第 {victim.seq} 号事件（id={victim.pk}）" in message
    assert "内容与哈希不符" in message


def test_deleting_an_event_in_the_middle_is_detected(world):
    victim = AuditEvent.objects.order_by("seq")[3]
    raw("DELETE FROM core_auditevent WHERE id = %s", [victim.pk])
    with pytest.raises(CommandError, match=f"应为 {victim.seq}"):
        run_verify()


def test_deleting_the_last_event_is_detected(world):
    last = AuditEvent.objects.order_by("-seq").first()
    raw("DELETE FROM core_auditevent WHERE id = %s", [last.pk])
    with pytest.raises(CommandError, match="末尾事件被删除"):
        run_verify()


def test_swapping_two_events_is_detected(world):
    a, b = AuditEvent.objects.order_by("seq")[2:4]
    raw("UPDATE core_auditevent SET seq = -1 WHERE id = %s", [a.pk])
    raw("UPDATE core_auditevent SET seq = %s WHERE id = %s", [a.seq, b.pk])
    raw("UPDATE core_auditevent SET seq = %s WHERE id = %s", [b.seq, a.pk])
    with pytest.raises(CommandError, match=f"第 {a.seq} 号事件"):
        run_verify()


def test_a_recomputed_hash_still_breaks_the_next_link(world):
    # A careful forger rewrites the content and the hash of one event…
    victim = AuditEvent.objects.order_by("seq")[2]
    fields = {
        "seq": victim.seq, "at": victim.at, "actor_id": victim.actor_id,
        "actor_name": "伪造", "unit_id": victim.unit_id, "unit_path": victim.unit_path,
        "division_path": victim.division_path, "ip": victim.ip, "action": victim.action,
        "object_type": victim.object_type, "object_id": victim.object_id,
        "object_repr": victim.object_repr, "before": victim.before, "after": victim.after,
    }  # fmt: skip
    forged = audit.chain_hash(victim.prev_hash, audit._hashed_fields(**fields))
    raw(
        "UPDATE core_auditevent SET actor_name = %s, hash = %s WHERE id = %s",
        ["伪造", forged, victim.pk],
    )
    # …and the next event no longer follows it.
    with pytest.raises(CommandError, match=f"第 {victim.seq + 1} 号事件.*前序哈希"):
        run_verify()


def test_the_audit_page_is_scoped_and_exports_xlsx(world):
    admin_b = services.user_create(
        actor=None, username="admin_b", name="南城管理员", unit=world.gov_b, password=PASSWORD,
        roles=["unit_admin"],
    )  # fmt: skip
    admin_a = services.user_create(
        actor=None, username="admin_a", name="临川管理员", unit=world.gov_a, password=PASSWORD,
        roles=["unit_admin"],
    )  # fmt: skip
    services.organisation_update(actor=None, org=world.gov_a, short_name="临川区政府")
    services.user_update(actor=admin_a, user=world.clerk_a, phone="0794-0000001")
    page_b = client_for(admin_b).get("/audit/").content.decode()
    page_a = client_for(admin_a).get("/audit/").content.decode()
    assert "0794-0000001" in page_a
    assert "0794-0000001" not in page_b
    export = client_for(admin_a).get("/audit/?format=xlsx&action=user.update")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "审计日志"
    assert rows[2][:5] == ("序号", "时间", "操作人", "IP", "操作")
    assert sheet.freeze_panes == "A4"
    assert [r[4] for r in rows[3:]] == ["修改用户"]
    assert "联系电话：" in rows[3][8]
    assert "0794-0000001" in rows[3][8]


def test_filters_narrow_the_audit_page(world):
    services.organisation_create(
        actor=None, name="筛选测试局", kind=OrgKind.OTHER, division=world.city
    )
    client = client_for(world.admin)
    row = "</span> 筛选测试局 "
    assert row in client.get("/audit/?action=organisation.create").content.decode()
    assert row not in client.get("/audit/?action=user.create").content.decode()
    bad = client.get("/audit/?date_from=2026-13-45")
    assert bad.status_code == 200
    assert "筛选条件有误" in bad.content.decode()


def test_admin_edits_of_reference_tables_are_audited_and_units_are_read_only(world):
    from fazhi.core.models import Role

    client = client_for(world.admin)
    role = Role.objects.get(code="clerk")
    response = client.post(
        f"/admin/core/role/{role.pk}/change/",
        {"code": "clerk", "name": "经办人员", "permissions": '["plans.report"]',
         "data_scope": "unit", "rank": 20},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(action="admin.role.update")
    assert event.before["name"] == "经办人"
    assert event.after["name"] == "经办人员"
    assert event.actor == world.admin
    # Units keep tree paths and scopes: the admin shows them but cannot change them.
    assert client.get(f"/admin/core/organisation/{world.gov_a.pk}/change/").status_code == 200
    refused = client.post(f"/admin/core/organisation/{world.gov_a.pk}/change/", {"name": "x"})
    assert refused.status_code == 403
    assert "审计链完整" in run_verify()
