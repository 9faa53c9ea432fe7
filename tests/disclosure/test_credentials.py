"""The portal credential — the query code with the phone's last four digits — is kept only on
the request itself: never in the audit trail, the event log or the case timeline."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.utils import timezone

from fazhi.core.models import AuditEvent
from fazhi.disclosure import services
from fazhi.disclosure.models import DisclosureRequest
from fazhi.procedures.models import CaseEvent
from tests.conftest import client_for
from tests.disclosure.helpers import act

pytestmark = pytest.mark.django_db

PHONE, LAST4 = "13907948093", "8093"


def _leaks(text: str, code: str) -> list[str]:
    return [s for s in (code, code.replace("-", ""), LAST4) if s in text]


def test_no_audit_event_event_or_timeline_holds_the_code_or_the_last_four_digits(world):
    services.desk_set(actor=None, unit=world.gov_a)
    citizen = Client()
    citizen.post(
        "/public/disclosure/",
        {"unit": world.gov_a.pk, "applicant_type": "person", "applicant_name": "陈晨",
         "phone": PHONE, "description": "临川区2026年老旧小区改造项目清单"},
    )  # fmt: skip
    created = DisclosureRequest.objects.get()
    code = created.query_code
    Client().post("/public/disclosure/status/", {"code": code, "phone_last4": "0000"})
    act(world, created, "confirm", timezone.localdate())
    act(world, created, "ask_correction", timezone.localdate(), items="请写明小区名称")

    events = list(AuditEvent.objects.all())
    assert len(events) >= 3
    for event in events:
        text = json.dumps(
            [event.before, event.after, event.object_repr, event.object_id], ensure_ascii=False
        )
        assert _leaks(text, code) == [], (event.action, text)
    for case_event in CaseEvent.objects.filter(case=created.case):
        assert _leaks(json.dumps(case_event.data, ensure_ascii=False), code) == []
    timeline = client_for(world.clerk_a).get(f"/cases/{created.case_id}/").content.decode()
    assert _leaks(timeline, code) == []
    assert "联系电话" in timeline  # shown as given, fully masked


def test_the_migration_seals_codes_left_in_older_events(world):
    import importlib

    from django.apps import apps

    from tests.disclosure.helpers import D, register

    migration = importlib.import_module(
        "fazhi.disclosure.migrations.0004_credentials_out_of_the_event_log"
    )
    created = register(world, on=D(2026, 9, 28))
    event = CaseEvent.objects.get(case=created.case, seq=1)
    CaseEvent.objects.filter(pk=event.pk).update(  # as an older version stored it
        data={**event.data, "query_code": created.query_code, "fingerprint": "ab" * 32}
    )
    migration.seal_existing(apps, None)
    data = CaseEvent.objects.get(pk=event.pk).data
    assert data["query_code"].startswith("sm4:1:")
    assert data["fingerprint"].startswith("sm4:1:")
    assert DisclosureRequest.objects.get(pk=created.pk).fingerprint == ""
