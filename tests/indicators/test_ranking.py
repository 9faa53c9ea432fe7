"""The assessment ranking: provisional while an item is not yet scored, units nobody scored
are 未评分 (not tied on 0), ties rank 1, 2, 2, 4, and the ranking exports to a print-ready
.xlsx that LibreOffice opens."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from fazhi.core import services as core_services
from fazhi.core.exports import XLSX
from fazhi.core.models import DivisionLevel, OrgKind
from fazhi.indicators import selectors, services
from fazhi.indicators.models import AssessmentScheme, Rule, UnitCategory
from tests.conftest import client_for, require_soffice

pytestmark = pytest.mark.django_db

COUNTIES = [("361022", "黎川县"), ("361023", "南丰县"), ("361024", "崇仁县")]


def _counties(world, more=()):
    """临川区, 南城县 and three (or more) county governments."""
    found = [world.gov_a, world.gov_b]
    for code, name in [*COUNTIES, *more]:
        division = core_services.division_upsert(
            actor=None, code=code, name=name, level=DivisionLevel.COUNTY, parent_code="361000"
        )[0]
        found.append(
            core_services.organisation_create(
                actor=None, name=f"{name}人民政府", kind=OrgKind.GOVERNMENT, division=division
            )
        )
    return found


def _scheme(world, units, *items):
    scheme = services.scheme_create(
        actor=world.supervisor, year=2025, title="2025年度法治政府建设考核", units=units
    )
    made = [
        services.scheme_item_add(
            actor=world.supervisor,
            scheme_id=scheme.pk,
            name=name,
            points=points,
            rule=Rule.ASSESSOR,
            applies_to=applies,
        )
        for name, points, applies in items
    ]
    return scheme, made


def _score(world, item, unit, score):
    services.score_set(
        actor=world.supervisor, item_id=item.pk, unit=unit, score=score, reason="按评分细则"
    )


def _counties_ranking(world, scheme):
    found = selectors.rankings_for(world.supervisor, scheme)
    return next(r for r in found if r.category == UnitCategory.COUNTY)


def test_units_nobody_scored_are_unscored_not_tied_second_and_the_ranking_is_provisional(world):
    counties = _counties(world)
    scheme, (rectify, review) = _scheme(
        world, counties, ("督察整改", "50", ""), ("案卷评查", "20", "")
    )
    _score(world, rectify, counties[0], "40")
    _score(world, review, counties[0], "15")
    _score(world, rectify, counties[1], "30")  # 案卷评查 still to be scored
    ranking = _counties_ranking(world, scheme)
    assert [(r.unit, r.rank) for r in ranking.results[:2]] == [(counties[0], 1), (counties[1], 2)]
    assert [r.rank for r in ranking.results[2:]] == [None, None, None]
    assert ranking.provisional
    assert ranking.notice.startswith("排名为暂定：2 个考核项尚未评分（共 70 分），涉及 4 个单位")
    page = client_for(world.supervisor).get(reverse("indicators:assessment", args=[scheme.pk]))
    text = page.content.decode()
    assert "排名为暂定：2 个考核项尚未评分（共 70 分）" in text
    row = text[text.index('data-unit="黎川县人民政府"') :]
    assert row[: row.index("</tr>")].count("未评分") >= 1
    assert "<td data-rank>3</td>" not in text  # nobody is ranked behind the unscored
    assert "<td data-rank>2</td>" in text


def test_real_scores_tie_in_standard_competition_ranking_and_the_ranking_is_final(world):
    counties = _counties(world)[:4]
    scheme, (rectify,) = _scheme(world, counties, ("督察整改", "50", ""))
    for unit, score in zip(counties, ("30", "20", "20", "10"), strict=True):
        _score(world, rectify, unit, score)
    ranking = _counties_ranking(world, scheme)
    assert [r.rank for r in ranking.results] == [1, 2, 2, 4]
    assert [r.total for r in ranking.results] == [
        Decimal(30),
        Decimal(20),
        Decimal(20),
        Decimal(10),
    ]
    assert not ranking.provisional
    assert ranking.notice == ""
    assert {state for _r, _rank, state in ranking.rows} == {"最终"}


def test_an_item_for_departments_only_leaves_the_county_ranking_alone(world):
    scheme, (rectify, _for_departments) = _scheme(
        world, [world.gov_a, world.gov_b, world.justice], ("督察整改", "50", ""),
        ("部门专项", "10", UnitCategory.DEPARTMENT),
    )  # fmt: skip
    _score(world, rectify, world.gov_a, "40")
    _score(world, rectify, world.gov_b, "45")
    _score(world, rectify, world.justice, "30")
    rankings = {r.category: r for r in selectors.rankings_for(world.supervisor, scheme)}
    counties, departments = rankings[UnitCategory.COUNTY], rankings[UnitCategory.DEPARTMENT]
    assert [i.name for i in counties.items] == ["督察整改"]
    assert not counties.provisional
    assert departments.provisional
    assert departments.notice.startswith("排名为暂定：1 个考核项尚未评分（共 10 分）")


def _export(world, scheme):
    response = client_for(world.supervisor).get(
        reverse("indicators:assessment_export", args=[scheme.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    return response.content


def test_the_ranking_exports_to_a_print_ready_workbook(world):
    counties = _counties(world)
    scheme, (rectify, review) = _scheme(
        world, counties, ("督察整改", "50", ""), ("案卷评查", "20", "")
    )
    _score(world, rectify, counties[0], "40")
    _score(world, review, counties[0], "15.5")
    _score(world, rectify, counties[1], "30")
    wb = load_workbook(io.BytesIO(_export(world, scheme)))
    ws = wb["县（区）排名"]
    assert ws["A1"].value == "2025年度法治政府建设考核 · 县（区）得分与排名（暂定）"
    assert ws["A2"].value.startswith("制表单位：中共抚州市委全面依法治市委员会办公室　导出日期：")
    assert "排名为暂定：2 个考核项尚未评分（共 70 分）" in ws["A2"].value
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=3)]
    assert rows[0] == [
        "名次",
        "单位",
        "督察整改\n（50分）",
        "案卷评查\n（20分）",
        "扣分",
        "总分",
        "状态",
    ]
    assert rows[1] == [1, "临川区人民政府", 40, 15.5, 0, 55.5, "暂定"]
    assert rows[2] == [2, "南城县人民政府", 30, "未评分", 0, 30, "暂定（1 项未评分）"]
    assert {tuple(r[:1]) for r in rows[3:]} == {("未评分",)}
    assert ws.print_title_rows == "$1:$3"  # title, unit and date, header
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)


def test_a_clerk_may_not_export_the_ranking(world):
    scheme, _items = _scheme(world, [world.gov_a], ("督察整改", "50", ""))
    url = reverse("indicators:assessment_export", args=[scheme.pk])
    assert client_for(world.clerk_a).get(url).status_code == 403


def test_old_rows_with_control_characters_still_export(world):
    scheme, (rectify,) = _scheme(world, [world.gov_a], ("督察整改", "50", ""))
    _score(world, rectify, world.gov_a, "40")
    AssessmentScheme.objects.filter(pk=scheme.pk).update(title="2025年度\x07考核")
    rectify.__class__.objects.filter(pk=rectify.pk).update(name="督察\x1b整改")
    wb = load_workbook(io.BytesIO(_export(world, scheme)))
    ws = wb["县（区）排名"]
    assert ws["A1"].value.startswith("2025年度考核 · ")
    assert ws["C3"].value == "督察整改\n（50分）"


def test_libreoffice_prints_the_ranking_on_landscape_pages_with_the_header_on_each(world, tmp_path):
    soffice = require_soffice()
    more = [(f"{361100 + n}", f"第{n}测试县") for n in range(1, 71)]
    counties = _counties(world, more)  # 75 counties: two printed pages
    items = [(f"考核项目{n}", "10", "") for n in range(1, 9)]
    scheme, made = _scheme(world, counties, *items)
    for position, unit in enumerate(counties[:5]):
        for item in made[: 8 - position]:
            _score(world, item, unit, str(5 + position))
    for unit in counties[5:]:
        _score(world, made[0], unit, "3")
    source = tmp_path / "ranking.xlsx"
    source.write_bytes(_export(world, scheme))
    subprocess.run(  # noqa: S603  (a fixed program with our own temp paths)
        [
            soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to", "pdf", "--outdir", str(tmp_path), str(source),
        ],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    pdf = tmp_path / "ranking.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    pdfinfo, pdftotext = shutil.which("pdfinfo"), shutil.which("pdftotext")
    if pdfinfo is None or pdftotext is None:
        message = "未安装 pdfinfo/pdftotext：无法核对打印版式；apt-get install poppler-utils"
        if os.environ.get("FAZHI_REQUIRE_LIBREOFFICE"):
            pytest.fail(message)
        pytest.skip(message)
    info = subprocess.run([pdfinfo, str(pdf)], capture_output=True, check=True, text=True)  # noqa: S603
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts \(A4\)", info.stdout)
    assert size is not None, info.stdout
    assert float(size[1]) > float(size[2])  # landscape
    pages = re.search(r"Pages:\s+(\d+)", info.stdout)
    assert pages is not None, info.stdout
    assert int(pages[1]) == 2  # fitted to the width, not to one page: eight items, 75 units
    for page in (1, 2):
        out = subprocess.run(  # noqa: S603
            [pdftotext, "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
            capture_output=True, check=True,
        )  # fmt: skip
        printed = out.stdout.decode()
        for word in ("名次", "单位", "考核项目8", "总分", "状态", f"第 {page} 页，共 2 页"):
            assert word in printed, (page, word)
    assert (
        "崇仁县人民政府"
        in subprocess.run(  # noqa: S603
            [pdftotext, "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, check=True
        ).stdout.decode()
    )
