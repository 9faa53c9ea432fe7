"""Applicants' ID numbers and phones are sealed with SM4 wherever they are stored, and
shown in full only on the request's own page."""

from __future__ import annotations

import importlib
import json

import pytest
from django.db import connection

from fazhi.core.models import AuditEvent
from fazhi.procedures.models import CaseEvent
from tests.conftest import client_for
from tests.disclosure.helpers import D, fresh, register

pytestmark = pytest.mark.django_db

ID_NUMBER, PHONE = "360102199003071236", "13907945678"
migration = importlib.import_module("fazhi.disclosure.migrations.0003_sealed_applicant_fields")


def _raw(table: str, columns: str, pk: int) -> tuple[str, ...]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        row = cursor.fetchone()
    assert row is not None
    return tuple(row)


def test_they_are_sealed_in_the_columns_the_event_log_and_the_audit_trail(world):
    request = register(world, on=D(2026, 9, 28), id_number=ID_NUMBER, phone=PHONE)
    id_number, phone = _raw("disclosure_disclosurerequest", "id_number, phone", request.pk)
    assert id_number.startswith("sm4:1:")
    assert phone.startswith("sm4:1:")
    row = fresh(request)
    assert (row.id_number, row.phone, row.phone_last4) == (ID_NUMBER, PHONE, "5678")
    event = CaseEvent.objects.get(case=request.case, seq=1)
    stored = json.dumps(event.data, ensure_ascii=False)
    assert ID_NUMBER not in stored
    assert PHONE not in stored
    audit = [
        json.dumps([e.before, e.after], ensure_ascii=False, default=str)
        for e in AuditEvent.objects.all()
    ]
    assert audit
    assert not any(ID_NUMBER in text or PHONE in text for text in audit)
    assert not any("5678" in text for text in audit)
    assert any('"phone": "******"' in text for text in audit)


def test_the_request_page_shows_them_and_the_timeline_masks_them(world):
    request = register(world, on=D(2026, 9, 28), id_number=ID_NUMBER, phone=PHONE)
    page = client_for(world.clerk_a).get(f"/disclosure/{request.pk}/").content.decode()
    assert PHONE in page
    timeline = client_for(world.clerk_a).get(f"/cases/{request.case_id}/").content.decode()
    assert PHONE not in timeline
    assert ID_NUMBER not in timeline
    assert "5678" not in timeline
    assert "******" in timeline
    assert client_for(world.clerk_b).get(f"/disclosure/{request.pk}/").status_code == 404


def test_the_migration_seals_rows_written_before_it(world):
    from django.apps import apps

    request = register(world, on=D(2026, 9, 28), id_number=ID_NUMBER, phone=PHONE)
    event = CaseEvent.objects.get(case=request.case, seq=1)
    with connection.cursor() as cursor:  # as an older version stored them
        cursor.execute(
            "UPDATE disclosure_disclosurerequest SET id_number = %s, phone = %s WHERE id = %s",
            [ID_NUMBER, PHONE, request.pk],
        )
    CaseEvent.objects.filter(pk=event.pk).update(
        data={**event.data, "id_number": ID_NUMBER, "phone": PHONE}
    )
    migration.seal_existing(apps, None)
    id_number, phone = _raw("disclosure_disclosurerequest", "id_number, phone", request.pk)
    assert id_number.startswith("sm4:1:")
    assert phone.startswith("sm4:1:")
    assert fresh(request).phone == PHONE
    data = CaseEvent.objects.get(pk=event.pk).data
    assert data["phone"].startswith("sm4:1:")
    assert data["id_number"].startswith("sm4:1:")
