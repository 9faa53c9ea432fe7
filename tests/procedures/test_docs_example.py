"""docs/procedures.md's worked example runs: its declaration is checked like any other and
its use (two clocks across National Day 2026, a decision drafted and signed) holds."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from fazhi.procedures import documents, engine, services
from tests.procedures.signers import signer

pytestmark = pytest.mark.django_db
DOCS = Path(__file__).resolve().parents[2] / "docs" / "procedures.md"


def _block(name: str) -> str:
    text = DOCS.read_text(encoding="utf-8")
    found = re.search(rf"<!-- example: {name} -->\n```python\n(.*?)```", text, re.S)
    assert found, f"docs/procedures.md 缺少示例 {name}"
    return found.group(1)


@pytest.fixture
def example():
    scope: dict = {}
    exec(_block("declaration"), scope)  # noqa: S102 — our own documentation
    procedure = scope["PROCEDURE"]
    # The example's template: any shipped .docx stands in for the module's own file.
    documents.register_template(
        "reconsideration_example.decision", "行政复议决定书",
        documents.default_templates()[0].path,
    )  # fmt: skip
    engine.register(procedure)
    yield procedure
    engine.unregister(procedure.code)
    documents._DEFAULTS.pop("reconsideration_example.decision", None)


def test_the_declaration_passes_the_start_up_check(example):
    assert engine.check_all() == []


def test_the_use_runs_as_written(world, example):
    from fazhi.procedures.models import LegalReviewAssignment

    LegalReviewAssignment.objects.create(unit=world.gov_a, reviewer=world.dept_a)
    scope = {
        "date": date, "case_open": services.case_open, "case_act": services.case_act,
        "approval_decide": services.approval_decide,
        "pending_approval": services.pending_approval, "clerk": world.clerk_a,
        "section_head": signer(world.gov_a, "review"),
        "legal_reviewer": signer(world.dept_a, "legal"), "head": signer(world.gov_a, "sign"),
    }  # fmt: skip
    exec(_block("use"), scope)  # noqa: S102
    case = scope["case"]
    assert case.events.filter(action="decide").count() == 1
