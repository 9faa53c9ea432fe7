"""`fazhi plan parse FILE --format json|table`."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.plans.samples import COUNTY_POINTS


def test_it_prints_the_issue_json_for_a_file(tmp_path):
    path = tmp_path / "要点.txt"
    path.write_text(COUNTY_POINTS, encoding="utf-8")
    out = StringIO()
    call_command("plan", "parse", str(path), "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["title"] == "南丰县2024年法治政府建设工作要点"
    assert len(data["measures"]) == 4
    assert data["measures"][2]["tasks"][0]["lead_units"] == ["县司法局"]


def test_it_prints_a_table_with_counts(seed_text, tmp_path):
    path = tmp_path / "seed.txt"
    path.write_text(seed_text, encoding="utf-8")
    out = StringIO()
    call_command("plan", "parse", str(path), "--format", "table", stdout=out)
    text = out.getvalue()
    assert "措施 26 项，任务 46 条" in text
    assert "牵头：市应急管理局、市司法局" in text


def test_it_refuses_a_scanned_pdf_with_a_message(tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"%PDF-1.7")
    with pytest.raises(CommandError, match="暂不支持"):
        call_command("plan", "parse", str(path))
