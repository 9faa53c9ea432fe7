"""Each 法定文书 type has its own 文号 series per unit and year, taken when it is issued (the
reply: at its last signature), shown in the document; a preview shows it is not yet taken."""

from __future__ import annotations

import pytest

from fazhi.procedures.documents import document_text
from fazhi.procedures.models import CaseDocument
from tests.disclosure.helpers import D, act, register

pytestmark = pytest.mark.django_db


def test_replies_and_extensions_number_their_own_series(world):
    first = register(world, on=D(2026, 9, 24))
    second = register(world, on=D(2026, 9, 24), applicant_name="王五")
    act(world, first, "extend", D(2026, 10, 9), days=10, approver="主任", reason="需要检索档案")
    act(world, first, "reply", D(2026, 10, 20), reply_type="public", reply_text="予以公开。")
    act(world, second, "reply", D(2026, 10, 21), reply_type="public", reply_text="予以公开。")
    numbers = dict(
        CaseDocument.objects.filter(case__in=[first.case, second.case])
        .exclude(number="")
        .values_list("case_id", "kind")
        .order_by()
        .values_list("number", "kind")
    )
    assert numbers == {
        "临川区人民政府公开延〔2026〕1号": "disclosure.extension",
        "临川区人民政府公开答〔2026〕1号": "disclosure.reply",
        "临川区人民政府公开答〔2026〕2号": "disclosure.reply",
    }
    reply = CaseDocument.objects.get(number="临川区人民政府公开答〔2026〕2号")
    assert reply.case_id == second.case_id
    assert "临川区人民政府公开答〔2026〕2号" in document_text(bytes(reply.file.content))
