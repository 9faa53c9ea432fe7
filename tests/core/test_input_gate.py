"""Typed text is checked once (fazhi.core.forms, fazhi.core.middleware), and everything the
product writes to .xlsx holds user text as text (#13 items 4 and 5)."""

from __future__ import annotations

import importlib
import inspect
import io
import pkgutil
from datetime import date

import pytest
from django import forms as django_forms
from django.test import Client
from openpyxl import load_workbook

import fazhi
from fazhi.core import audit
from fazhi.core import forms as core_forms
from fazhi.core.exports import row_values, workbook_bytes, xlsx_bytes
from fazhi.core.models import AuditEvent
from fazhi.disclosure import services as disclosure_services
from fazhi.disclosure.models import DisclosureRequest
from tests.conftest import client_for
from tests.disclosure.helpers import register

pytestmark = pytest.mark.django_db

PORTAL = {
    "applicant_type": "person", "phone": "13907945678",
    "description": "临川区2026年老旧小区改造项目清单",
}  # fmt: skip


@pytest.fixture
def desk(world):
    return disclosure_services.desk_set(actor=None, unit=world.gov_a)


@pytest.mark.parametrize("name", ["陈\x00晨", "陈\x07晨", "陈晨\x1b[31m", "陈\x85晨"])
def test_a_portal_application_with_a_control_character_is_refused_and_changes_nothing(
    world, desk, name
):
    before = AuditEvent.objects.count()
    response = Client().post(
        "/public/disclosure/", {**PORTAL, "applicant_name": name, "unit": world.gov_a.pk}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "含有不可见的控制字符" in page
    assert "U+00" in page
    assert not DisclosureRequest.objects.exists()
    assert AuditEvent.objects.count() == before


def test_tabs_and_line_breaks_in_a_text_area_are_fine(world, desk):
    text = "第一项：道路改造\r\n第二项：\t绿化工程"
    response = Client().post(
        "/public/disclosure/",
        {**PORTAL, "applicant_name": "陈晨", "description": text, "unit": world.gov_a.pk},
    )
    assert response.status_code == 302


def test_a_control_character_in_a_query_string_is_a_chinese_400(world):
    for url in ("/public/laws/?q=%00", "/public/laws/?q=%E5%8A%B3%07", "/audit/?actor=%00"):
        response = client_for(world.admin).get(url)
        assert response.status_code == 400, url
        assert "含有不可见的控制字符" in response.content.decode()


def test_every_form_of_the_platform_checks_typed_text():
    """A form class that bypasses fazhi.core.forms would let control characters through."""
    for module in _modules():
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if not issubclass(cls, django_forms.BaseForm) or not cls.__module__.startswith(
                "fazhi."
            ):
                continue
            assert issubclass(cls, (core_forms.Form, core_forms.ModelForm)), cls


def test_every_admin_form_checks_typed_text():
    from django.contrib import admin

    for model, model_admin in admin.site._registry.items():
        if not type(model_admin).__module__.startswith("fazhi."):
            continue
        assert issubclass(model_admin.form, core_forms.ModelForm) or not (
            model_admin.has_add_permission(_request())
            or model_admin.has_change_permission(_request())
        ), model


def test_an_action_form_refuses_control_characters(world):
    from fazhi.disclosure.procedure import PROCEDURE
    from fazhi.procedures.forms import action_form

    action, field = next(
        (a, i) for a in PROCEDURE.actions for i in a.inputs if i.kind == "textarea" and i.on_form
    )
    form = action_form(
        action,
        version=1,
        data={
            f"{action.code}-{field.name}": "内\x0c容",
            f"{action.code}-on": "2026-09-01",
            f"{action.code}-version": "1",
        },
    )
    assert not form.is_valid()
    assert "含有不可见的控制字符" in str(form.errors[field.name])


def test_the_empty_choice_reads_in_chinese(world):
    html = client_for(world.admin).get("/orgs/new/").content.decode()
    assert "---------" not in html
    assert "请选择" in html


# --- workbooks ----------------------------------------------------------------------


def test_a_formula_typed_as_a_name_stays_text_in_every_workbook():
    data = xlsx_bytes(
        "名单", ["姓名"], [['=HYPERLINK("http://x","点我")'], ["+1+1"], ["@SUM(A1)"]], [20],
        unit="测试单位",
    )  # fmt: skip
    ws = load_workbook(io.BytesIO(data)).active
    cells = [ws.cell(row=r, column=1) for r in (4, 5, 6)]  # below the title, unit and header
    assert [c.data_type for c in cells] == ["s", "s", "s"]
    assert cells[0].value == '=HYPERLINK("http://x","点我")'
    assert all(c.quotePrefix for c in cells)


def test_rows_of_user_data_drop_characters_xml_cannot_hold():
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(row_values(["正常", "含\x07响铃"]))
    ws = load_workbook(io.BytesIO(workbook_bytes(wb))).active
    assert ws["B1"].value == "含响铃"


def test_the_office_export_keeps_a_formula_name_as_text(world, desk):
    register(world, on=date(2026, 9, 1), applicant_name="=cmd|'/c calc'!A0")
    response = client_for(world.clerk_a).get("/disclosure/?format=xlsx")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    cell = next(c for row in ws.iter_rows() for c in row if c.value == "=cmd|'/c calc'!A0")
    assert cell.data_type == "s"


def test_the_audit_export_survives_old_events_with_control_characters(world):
    from django.db import transaction

    with transaction.atomic():
        audit.record(
            action="user.update", actor=world.admin, obj=world.clerk_a,
            after={"name": "张\x07临川", "phone": "=1+2"},
        )  # fmt: skip
    response = client_for(world.admin).get("/audit/?format=xlsx")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("张临川" in t for t in texts)
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


def test_no_module_saves_a_workbook_around_the_gate():
    import re
    from pathlib import Path

    root = Path(fazhi.__file__).parent
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "openpyxl" in text and path.name != "exports.py":
            assert not re.search(r"\bwb\.save\(|Workbook\(\)\.save", text), path


def _modules():
    for info in pkgutil.walk_packages(fazhi.__path__, "fazhi."):
        if ".migrations" in info.name or info.name.endswith(".wsgi"):
            continue
        yield importlib.import_module(info.name)


def _request():
    from django.test import RequestFactory

    from fazhi.core.models import User

    request = RequestFactory().get("/")
    request.user = User(is_superuser=True, is_staff=True, is_active=True)
    return request


def test_typed_text_is_tidied_and_refused_never_cut():
    from django.core.exceptions import ValidationError

    from fazhi.core.text import typed

    assert typed("  整改\r\n完成\u200b ", "说明", limit=5) == "整改\n完成"
    assert typed("", "说明") == ""
    with pytest.raises(ValidationError, match="请填写说明"):
        typed(" \u200b ", "说明", required="请填写说明")
    with pytest.raises(ValidationError, match="“说明”不超过 4 字（现为 5 字）"):
        typed("一二三四五", "说明", limit=4)
    with pytest.raises(ValidationError, match="“说明”含有不可见的控制字符"):
        typed("a\x07b", "说明")
