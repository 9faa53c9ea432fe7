"""The first hour, replayed (#13): every routed page and form, fetched and posted with the
inputs users and attackers tried — control characters, formulas in names, absurd ids and
dates, huge numbers — as the city administrator, a county clerk and an anonymous visitor.

What must hold afterwards: no response is a server error; no stored text holds a control
character; every workbook any export returns holds text, never a formula; the audit chain
verifies. The routes come from the URL configuration itself (tests/scope_harness.py), so a
new page is replayed the day it is routed.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.test import Client

from fazhi.core import audit
from fazhi.core.text import control_character
from fazhi.disclosure import services as disclosure_services
from tests.conftest import client_for
from tests.scope_harness import MARKER, fill, load_canaries, routes

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"
QUERIES = (
    f"?unit={HUGE}", f"?page={HUGE}", "?page=-1", "?year=99999", "?year=%C2%B2",
    "?q=%00", "?q=%3D1%2B1", f"?format=xlsx&unit={HUGE}", "?m=9999-99",
    "?date_from=9999-12-31&date_to=2026-13-01", f"?plan={HUGE}&period=2020-Q1",
)  # fmt: skip

# Values posted into every field name a form of the platform uses.
HOSTILE_TEXT = ("张\x00三", '=HYPERLINK("http://x","点我")\x07', "x" * 20_000)
HOSTILE_FIELDS = (
    "applicant_name", "name", "title", "text", "description", "comment", "reason",
    "requirement", "note", "statement", "phone", "id_number", "address", "email", "code",
    "phone_last4", "items", "reply_text", "issuing_body", "doc_number", "q", "username",
    "short_name", "aliases", "body", "party", "matter", "days",
)  # fmt: skip
HOSTILE_OTHER = {
    "unit": HUGE, "units": HUGE, "indicator": HUGE, "item": HUGE, "document": HUGE,
    "year": "99999", "value": "1e-30", "numerator": "NaN", "denominator": "0",
    "points": "Infinity", "score": "-1", "workdays": HUGE, "reply_workdays": HUGE,
    "version": HUGE, "base_id": HUGE, "id": HUGE, "period_key": "2020-Q1",
    "on": "9999-12-31", "submitted_on": "9999-12-31", "registered_on": "9999-12-31",
    "published_on": "2026-13-01", "effective_on": "0001-01-01", "started_on": "9999-12-31",
    "day": "2026-02-30", "start": "9999-12-31", "amount": HUGE,
}  # fmt: skip


def _personas(world: Any) -> dict[str, Client]:
    return {
        "admin": client_for(world.admin),
        "clerk_a": client_for(world.clerk_a),
        "anonymous": Client(),
    }


def _urls(canaries: list[Any]) -> list[str]:
    return [url for route in routes() for url in fill(route, canaries)]


def _no_formulas(content: bytes, where: str) -> None:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                assert b"<f>" not in archive.read(name), f"formula in {where} ({name})"


def _check(response: Any, where: str) -> None:
    assert response.status_code < 500, f"{response.status_code} at {where}"
    if response.get("Content-Type", "").startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    ):
        _no_formulas(response.content, where)


def _stored_control_characters() -> list[str]:
    found = []
    for model in apps.get_models():
        if not model.__module__.startswith("fazhi."):
            continue
        text_fields = [
            f.name for f in model._meta.get_fields()
            if isinstance(f, models.CharField | models.TextField) and not f.is_relation
        ]  # fmt: skip
        for row in model._default_manager.values("pk", *text_fields).iterator():
            for name in text_fields:
                value = row[name]
                if isinstance(value, str) and control_character(value):
                    found.append(f"{model._meta.label}#{row['pk']}.{name}")
    return found


def test_the_first_hour_replayed_breaks_nothing(world):
    disclosure_services.desk_set(actor=None, unit=world.gov_a)
    canaries = [build(world, MARKER) for _, build in load_canaries()]
    # A citizen whose "name" is a spreadsheet formula, as typed on the portal.
    applied = Client().post(
        "/public/disclosure/",
        {
            "applicant_type": "person", "applicant_name": "=cmd|'/c calc'!A0",
            "phone": "13907945678", "description": "老旧小区改造项目清单", "unit": world.gov_a.pk,
        },
    )  # fmt: skip
    assert applied.status_code == 302
    urls = _urls(canaries)
    assert len(urls) > 50, "the replay reached too few pages to mean anything"
    personas = _personas(world)
    for url in urls:
        parametrised = bool(re.search(r"/\d+/", url))
        for name, client in personas.items():
            for query in ("", "?format=xlsx") + (() if parametrised else QUERIES):
                _check(client.get(url + query), f"GET {url + query} as {name}")
    payloads = [{**dict.fromkeys(HOSTILE_FIELDS, text), **HOSTILE_OTHER} for text in HOSTILE_TEXT]
    for url in urls:
        for name, client in personas.items():
            for payload in payloads:
                _check(client.post(url, payload), f"POST {url} as {name}")
    assert _stored_control_characters() == []
    result = audit.verify()
    assert result.ok, result.reason
