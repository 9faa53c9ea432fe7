"""`fazhi deadline compute` and `fazhi calendar …` exactly as scripts use them."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from fazhi.workdays.models import CalendarStatus, CalendarYear

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_compute_prints_exactly_due_completeness_and_explanation_as_json():
    code, out, err = run(
        "deadline", "compute", "--start", "2026-09-28", "--amount", "20", "--unit", "workday",
        "--format", "json",
    )  # fmt: skip
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert list(data) == ["due", "calendar_complete", "explanation"]
    assert data["due"] == "2026-10-30"
    assert data["calendar_complete"] is True
    assert data["explanation"][0].startswith("起算：2026-09-28（星期一）")
    assert data["explanation"][-1] == "到期日：2026-10-30（星期五）。"
    assert out == json.dumps(data, ensure_ascii=False) + "\n"  # one line, UTF-8 text


def test_json_is_the_default_and_a_provisional_span_says_false():
    code, out, _ = run("deadline", "compute", "--start=2026-12-20", "--amount=20", "--unit=workday")
    assert code == 0
    data = json.loads(out)
    assert (data["due"], data["calendar_complete"]) == ("2027-01-18", False)


@pytest.mark.parametrize(
    ("unit", "due"), [("day", "2026-10-08"), ("month", "2026-10-08"), ("year", "2027-08-02")]
)
def test_compute_takes_each_unit(unit, due):
    amount = {"day": "60", "month": "2", "year": "1"}[unit]
    code, out, _ = run(
        "deadline", "compute", "--start=2026-08-02", f"--amount={amount}", f"--unit={unit}"
    )
    assert code == 0
    assert json.loads(out)["due"] == due


def test_compute_with_a_stored_rule_and_text_format():
    code, out, _ = run(
        "deadline",
        "compute",
        "--start=2026-09-28",
        "--rule=reconsideration.acceptance_review",
        "--format=text",
    )
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "到期日：2026-10-10"
    assert lines[1] == "日历完整：是"
    assert lines[2] == "法律依据：《行政复议法》第三十条、第八十八条"
    assert "国庆节调休上班日" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--start=2026-09-28", "--amount=20", "--unit=week"], "期限单位“week”无效"),
        (["--start=2026-09-28", "--amount=-3", "--unit=day"], "期限数量必须为正整数"),
        (["--start=2026-09-28", "--amount=abc", "--unit=day"], "期限数量“abc”不是整数"),
        (["--start=2026-9-280", "--amount=3", "--unit=day"], "“起算日”2026-9-280 格式不正确"),
        (["--amount=3", "--unit=day"], "缺少起算日"),
        (["--start=2026-09-28", "--rule=nope"], "期限规则“nope”不存在"),
        (["--start=2026-09-28", "--rule=disclosure.reply", "--amount=3"], "不能同时使用"),
        (["--start=2026-09-28", "--amount=3", "--unit=day", "--format=xml"], "输出格式“xml”无效"),
    ],
)
def test_bad_input_exits_2_with_chinese_on_stderr_and_nothing_on_stdout(args, message):
    code, out, err = run("deadline", "compute", *args)
    assert (code, out) == (2, "")
    assert message in err


def _fake_2027(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "2027.json"
    path.write_text(
        '{\n  "year": 2027,\n  "papers": [],\n  "days": [\n'
        '    {"name": "元旦", "date": "2027-01-01", "isOffDay": true},\n'
        f'    {{"name": "春节", "date": "2027-02-06", "isOffDay": true}}{extra}\n'
        "  ]\n}\n",
        encoding="utf-8",
    )
    return path


def test_calendar_import_loads_a_file_and_is_idempotent(tmp_path):
    path = _fake_2027(tmp_path)
    code, out, _ = run("calendar", "import", str(path))
    assert code == 0
    assert "2027 年：新增 1 天" in out
    assert CalendarYear.objects.get(year=2027).status == CalendarStatus.OFFICIAL
    code, out, _ = run("calendar", "import", str(path))
    assert code == 0
    assert "无变化" in out


def test_calendar_import_refuses_an_overlapping_file_naming_the_line(tmp_path):
    path = _fake_2027(tmp_path, ',\n    {"name": "春节", "date": "2027-02-06", "isOffDay": false}')
    code, out, err = run("calendar", "import", str(path))
    assert (code, out) == (2, "")
    assert "未导入：2027.json 第 7 行：日期 2027-02-06 与第 6 行重复" in err
    assert CalendarYear.objects.get(year=2027).status == CalendarStatus.FALLBACK


def test_calendar_show_lists_holidays_and_makeup_days():
    code, out, _ = run("calendar", "show", "2026-10")
    assert code == 0
    assert out.splitlines()[0] == "2026年10月（官方）"
    assert "2026-10-10 周六 上班  国庆节" in out
    assert "2026-10-01 周四 休息  国庆节" in out
    code, out, _ = run("calendar", "show", "2027-02")
    assert out.splitlines()[0] == "2027年2月（推算（暂定））"
    assert run("calendar", "show", "2027-13")[0] == 2
