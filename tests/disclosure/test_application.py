"""What an application may hold: ID numbers by structure, date and check digit (not by the
area-code table), phones with enough digits, and text kept as the applicant typed it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from fazhi.core.validators import validate_phone, validate_ric
from fazhi.disclosure.models import DisclosureRequest
from fazhi.procedures.documents import document_text
from tests.conftest import client_for
from tests.disclosure.helpers import D, act, fresh, register

pytestmark = pytest.mark.django_db

# Real structure: area code, birth date, sequence, ISO 7064 MOD 11-2 check digit.
LINCHUAN_1985 = "361002198503120023"  # 临川区 (a code since 2000), born before it
DONGXIANG = "361003199207081518"  # 东乡区 (a code since 2016)
DONGXIANG_COUNTY = "36102919600930002X"  # the old 东乡县 code, check digit X
PROVINCE_LEVEL = "360000197801010035"
CITY_LEVEL = "361000200102150042"
WRONG_CHECK_DIGIT = "361002198503120024"
FEBRUARY_31 = "361002198502310028"
BORN_2099 = "361002209901010015"
BORN_1899 = "361002189912310018"


@pytest.mark.parametrize(
    "number", [LINCHUAN_1985, DONGXIANG, DONGXIANG_COUNTY, PROVINCE_LEVEL, CITY_LEVEL]
)
def test_an_id_number_with_good_structure_date_and_check_digit_is_valid(number):
    assert validate_ric(number) == number
    assert validate_ric(number.lower()) == number


@pytest.mark.parametrize(
    ("number", "message"),
    [
        (WRONG_CHECK_DIGIT, "校验码"),
        (FEBRUARY_31, "1985-02-31 不存在"),
        (BORN_2099, "不在 1900-01-01 至今天之间"),
        (BORN_1899, "不在 1900-01-01 至今天之间"),
        ("36100219850312002", "应为 18 位"),
        ("36100219850312002Y", "最后一位为数字或 X"),
        ("3610021985031200²3", "前 17 位应为数字"),
    ],
)
def test_an_id_number_is_refused_for_its_structure_date_or_check_digit(number, message):
    with pytest.raises(ValidationError, match=message) as refused:
        validate_ric(number)
    assert number not in str(refused.value)  # personal data is not echoed


def test_the_office_registers_residents_of_renamed_areas(world):
    for number in (LINCHUAN_1985, DONGXIANG, PROVINCE_LEVEL):
        created = register(world, on=D(2026, 9, 28), id_number=number, applicant_name=number[-4:])
        assert fresh(created).id_number == number


def test_the_office_intake_page_refuses_a_wrong_check_digit_and_keeps_nothing(world):
    response = client_for(world.clerk_a).post(
        "/disclosure/new/",
        {"channel": "in_person", "submitted_on": "2026-09-24", "applicant_type": "person",
         "applicant_name": "吴刚", "phone": "13800001111", "id_number": WRONG_CHECK_DIGIT,
         "description": "临川区2025年财政预算执行情况"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "校验码" in response.content.decode()
    assert not DisclosureRequest.objects.exists()


@pytest.mark.parametrize(
    "phone", ["13907941234", "0794-1234567", "(0794) 1234567", "+86 139 0794 1234", "8123456",
              "１３９０７９４１２３４"],
)  # fmt: skip
def test_a_phone_with_seven_to_twenty_digits_is_valid(phone):
    assert validate_phone(phone)


@pytest.mark.parametrize(
    "phone", ["-------", "--- --- ----", "123456", "1390794123x", "139-0794+1234",
              "1" * 21],
)  # fmt: skip
def test_a_phone_without_enough_digits_or_with_other_characters_is_refused(phone):
    with pytest.raises(ValidationError, match="7 至 20 位数字"):
        validate_phone(phone)


def test_the_office_intake_refuses_a_phone_of_dashes(world):
    with pytest.raises(ValidationError, match="联系电话格式不正确"):
        register(world, on=D(2026, 9, 28), phone="----------")
    assert not DisclosureRequest.objects.exists()


TYPED = "关于《临川区２０２５年预算》（草案）的说明：第一、二部分；附表１—３"


def test_the_application_is_stored_as_the_applicant_typed_it(world):
    created = register(
        world, on=D(2026, 9, 28), description=TYPED, applicant_name="欧阳·明（代理人）",
        address="临川区赣东大道１号，３栋",
    )  # fmt: skip
    row = fresh(created)
    assert row.description == TYPED
    assert row.applicant_name == "欧阳·明（代理人）"
    assert row.address == "临川区赣东大道１号，３栋"


def test_identifiers_are_width_folded_for_matching(world):
    created = register(
        world,
        on=D(2026, 9, 28),
        phone="１３９０７９４５６７８",
        id_number=LINCHUAN_1985[:-1] + "３",
    )
    row = fresh(created)
    assert (row.phone, row.phone_last4, row.id_number) == ("13907945678", "5678", LINCHUAN_1985)


def test_a_control_character_in_the_application_is_refused_with_a_message(world):
    with pytest.raises(ValidationError, match="控制字符") as refused:
        register(world, on=D(2026, 9, 28), description="临川区预算\x0b执行情况")
    assert "所需信息" in str(refused.value)
    assert not DisclosureRequest.objects.exists()


def test_a_document_is_generated_from_a_row_stored_with_control_characters(world):
    created = register(world, on=D(2026, 9, 28))
    # As a version before the input check could have stored it.
    DisclosureRequest.objects.filter(pk=created.pk).update(
        applicant_name="李\x01明", description="临川区\x0b预算"
    )
    act(world, created, "reply", D(2026, 10, 9), reply_type="public", reply_text="予以公开。")
    reply = fresh(created).case.documents.get(kind="disclosure.reply")
    text = document_text(bytes(reply.file.content))
    assert "李明" in text
    assert "临川区预算" in text


def test_a_control_character_in_a_staff_step_is_refused_with_a_message(world):
    created = register(world, on=D(2026, 9, 28))
    with pytest.raises(ValidationError, match="“答复内容”含有不可见的控制字符"):
        act(world, created, "reply", D(2026, 10, 9), reply_type="public", reply_text="予以\x1f公开")
    assert fresh(created).case.state == "received"
