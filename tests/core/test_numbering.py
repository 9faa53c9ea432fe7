"""The numbering service: 〔年〕N号 series per unit and year, patterns, gap-free and race-free."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse

from fazhi.core import numbering
from fazhi.core.models import AuditEvent, NumberPattern, NumberSeries, Organisation
from fazhi.core.numbering import number_pattern_set, number_take
from tests.concurrency import in_threads
from tests.conftest import build_world, client_for

SERIES = "test.numbering"
numbering.register_series(SERIES, "测试编号", "{unit}测〔{year}〕{seq}号")


def take(unit: Organisation | None, year: int = 2026, series: str = SERIES) -> tuple[int, str]:
    with transaction.atomic():
        return number_take(unit=unit, series=series, year=year)


@pytest.mark.django_db
def test_it_numbers_each_unit_and_year_from_one_by_the_default_pattern(world):
    assert take(world.gov_a) == (1, "临川区人民政府测〔2026〕1号")
    assert take(world.gov_a) == (2, "临川区人民政府测〔2026〕2号")
    assert take(world.gov_b) == (1, "南城县人民政府测〔2026〕1号")
    assert take(world.gov_a, 2027) == (1, "临川区人民政府测〔2027〕1号")
    assert take(world.justice) == (1, "市司法局测〔2026〕1号")  # {unit} is the short name


@pytest.mark.django_db
def test_a_rolled_back_action_gives_its_number_back(world):
    take(world.gov_a)

    def refused_action() -> None:
        with transaction.atomic():
            assert number_take(unit=world.gov_a, series=SERIES, year=2026)[0] == 2
            raise ValidationError("动作被拒绝")

    with pytest.raises(ValidationError):
        refused_action()
    assert take(world.gov_a)[0] == 2


@pytest.mark.django_db(transaction=True)  # no test-wide transaction around it
def test_it_refuses_to_number_outside_the_callers_transaction(world):
    with pytest.raises(RuntimeError, match="inside the transaction"):
        number_take(unit=world.gov_a, series=SERIES, year=2026)
    with pytest.raises(ValidationError, match=r"编号序列“nope\.series”不存在"):
        take(world.gov_a, series="nope.series")


@pytest.mark.django_db
def test_a_platform_wide_series_has_one_counter_without_a_unit(world):
    assert take(None) == (1, "测〔2026〕1号")
    assert take(None) == (2, "测〔2026〕2号")
    assert NumberSeries.objects.filter(unit=None, series=SERIES).count() == 1


@pytest.mark.django_db
def test_a_units_own_pattern_beats_the_default_which_beats_the_registered_one(world):
    number_pattern_set(actor=world.admin, unit=None, series=SERIES, pattern="抚测〔{year}〕{seq}号")
    number_pattern_set(
        actor=world.admin, unit=world.gov_a, series=SERIES, pattern="临测〔{year}〕{seq:03}号"
    )
    assert take(world.gov_a)[1] == "临测〔2026〕001号"
    assert take(world.gov_b)[1] == "抚测〔2026〕1号"
    # Setting it again changes the one row and is audited with before and after.
    number_pattern_set(
        actor=world.admin, unit=world.gov_a, series=SERIES, pattern="临测〔{year}〕{seq:04}号"
    )
    assert take(world.gov_a)[1] == "临测〔2026〕0002号"
    assert NumberPattern.objects.filter(series=SERIES).count() == 2
    event = AuditEvent.objects.filter(action="numbering.pattern_set").order_by("-seq").first()
    assert event is not None
    assert event.before["pattern"] == "临测〔{year}〕{seq:03}号"
    assert event.after["pattern"] == "临测〔{year}〕{seq:04}号"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("抚测〔{year}〕号", "必须包含 {seq}"),
        ("抚测{seq}号", "必须包含 {year}"),
        ("{unit}{name}〔{year}〕{seq}号", "不认识“{name}”"),
        ("抚测〔{year:04}〕{seq}号", "只有序号可以补零"),
        ("抚测〔{year}〕{seq!r}号", "只有序号可以补零"),
        ("抚测〔{year}〕{seq:x}号", "只有序号可以补零"),
        ("抚测〔{year}〕{seq号", "花括号"),
        ("抚测\x07〔{year}〕{seq}号", "控制字符"),
        ("抚" * 60 + "〔{year}〕{seq}号", "不能超过 64 个字"),
        ("", "请填写编号格式"),
    ],
)
def test_it_refuses_a_bad_pattern_and_keeps_the_old_one(world, pattern, message):
    with pytest.raises(ValidationError, match=message.replace("{", r"\{").replace("}", r"\}")):
        number_pattern_set(actor=world.admin, unit=world.gov_a, series=SERIES, pattern=pattern)
    assert not NumberPattern.objects.filter(series=SERIES).exists()


@pytest.mark.django_db
def test_only_a_system_administrator_sets_a_pattern_of_a_known_series(world):
    with pytest.raises(PermissionDenied):
        number_pattern_set(
            actor=world.clerk_a, unit=world.gov_a, series=SERIES, pattern="临〔{year}〕{seq}号"
        )
    with pytest.raises(ValidationError, match="不存在"):
        number_pattern_set(
            actor=world.admin, unit=world.gov_a, series="nope.series", pattern="临〔{year}〕{seq}号"
        )
    assert not NumberPattern.objects.exists()


def test_the_modules_register_their_series_with_chinese_names():
    names = {s.code: s.name for s in numbering.registered_series()}
    assert names["case:disclosure"] == "政府信息公开申请案号"
    assert names["plans.notice"] == "督办单编号"
    assert names["laws.registration"] == "规范性文件统一登记编号"
    assert numbering.series_for_document("disclosure.reply") == "doc:disclosure.reply"


@pytest.mark.django_db
def test_the_admin_sets_a_pattern_through_the_service(world):
    client = client_for(world.admin)
    url = reverse("admin:core_numberpattern_add")
    page = client.get(url).content.decode()
    assert "督办单编号" in page
    assert "政府信息公开申请案号" in page
    response = client.post(
        url, {"unit": world.gov_a.pk, "series": "plans.notice", "pattern": "临督〔{year}〕{seq}号"}
    )
    assert response.status_code == 302
    row = NumberPattern.objects.get(series="plans.notice")
    assert (row.unit, row.pattern) == (world.gov_a, "临督〔{year}〕{seq}号")
    assert AuditEvent.objects.filter(action="numbering.pattern_set").count() == 1
    refused = client.post(
        url, {"unit": world.gov_b.pk, "series": "plans.notice", "pattern": "南督{seq}号"}
    )
    assert refused.status_code == 200
    assert "必须包含 {year}" in refused.content.decode()
    assert NumberPattern.objects.count() == 1
    listing = client.get(reverse("admin:core_numberpattern_changelist")).content.decode()
    assert "临督〔{year}〕{seq}号" in listing
    client.post(reverse("admin:core_numberpattern_delete", args=[row.pk]), {"post": "yes"})
    assert not NumberPattern.objects.exists()
    assert AuditEvent.objects.filter(action="numbering.pattern_clear").count() == 1


@pytest.mark.django_db(transaction=True)
def test_simultaneous_takes_get_distinct_consecutive_numbers(postgres):
    world = build_world()

    def one(i: int) -> int:
        seq, _ = take(world.gov_a)
        return seq

    results = in_threads(12, one)
    assert sorted(r for r in results if isinstance(r, int)) == list(range(1, 13)), results
    assert NumberSeries.objects.get(unit=world.gov_a, series=SERIES).last == 12
