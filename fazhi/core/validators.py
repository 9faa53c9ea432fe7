"""Validation of official codes and phone numbers, with Chinese messages (checksums come
from python-stdnum)."""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from stdnum.cn import ric as stdnum_ric
from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.util import isdigits

from fazhi.core.text import compact, normalise

_DIVISION_CODE = re.compile(r"^(\d{6}|\d{9}|\d{12})$")


def validate_uscc(value: str) -> str:
    """统一社会信用代码 (GB 32100-2015); returns the compact form."""
    try:
        return str(stdnum_uscc.validate(value))
    except StdnumError as exc:
        raise ValidationError(f"统一社会信用代码“{value}”无效：{_reason(exc)}") from exc


# Nobody alive carries a card with an earlier birth date.
EARLIEST_BIRTH = date(1900, 1, 1)


def validate_ric(value: str) -> str:
    """居民身份证号码 (GB 11643-1999); returns the compact form (upper-case X).

    Checked: 18 characters, 17 digits and a check character (digit or X), a real birth date
    from 1900 to today, the ISO 7064 MOD 11-2 check digit (python-stdnum). Deliberately not
    checked: the area code against stdnum's table of when each code was in use. Area codes
    are renamed and merged (361003 东乡区 since 2016, 361002 临川区 since 2000) while the
    old numbers stay on people's cards, so a number is valid whatever its first six digits.
    The message never repeats the number (it is personal data).
    """
    number = compact(value).upper()
    if len(number) != 18:
        raise ValidationError(f"身份证号码无效：应为 18 位，现为 {len(number)} 位")
    if not isdigits(number[:17]) or not (isdigits(number[17]) or number[17] == "X"):
        raise ValidationError("身份证号码无效：前 17 位应为数字，最后一位为数字或 X")
    try:
        born = stdnum_ric.get_birth_date(number)
    except StdnumError:
        raise ValidationError(
            f"身份证号码无效：出生日期 {number[6:10]}-{number[10:12]}-{number[12:14]} 不存在"
        ) from None
    if born < EARLIEST_BIRTH or born > timezone.localdate():
        raise ValidationError(
            f"身份证号码无效：出生日期 {born.isoformat()} 不在 1900-01-01 至今天之间"
        )
    if number[17] != stdnum_ric.calc_check_digit(number):
        raise ValidationError("身份证号码无效：校验码（最后一位）不正确，请核对")
    return number


# An optional leading +, then digits with spaces, dashes and parentheses between them:
# 13907941234, +86 139 0794 1234, 0794-1234567, (0794) 1234567.
_PHONE = re.compile(r"^\+?[0-9 ()\-]+$")
PHONE_DIGITS = (7, 20)


def validate_phone(value: str) -> str:
    """A telephone number as a person writes it; returns it width-folded (全角数字 → 半角).

    7 to 20 digits: a landline has 7 or 8 (12 with its area code, 0794-1234567), a mobile
    11 (13907941234), international forms more. Anything else (letters, only dashes) is
    refused with a message.
    """
    number = normalise(value)
    digits = sum(ch in "0123456789" for ch in number)
    if not _PHONE.match(number) or not PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1]:
        raise ValidationError(
            "联系电话格式不正确：应含 7 至 20 位数字，可有空格、短横线、括号和开头的 +，"
            "如 13907941234 或 0794-1234567"
        )
    return number


def validate_division_code(value: str) -> str:
    """行政区划代码: 6 digits (county level and above), 9 or 12 (township, village)."""
    if not _DIVISION_CODE.match(value):
        raise ValidationError(f"行政区划代码“{value}”无效：应为 6、9 或 12 位数字")
    if value[:2] == "00":
        raise ValidationError(f"行政区划代码“{value}”无效：省级代码不能为 00")
    return value


def _reason(exc: StdnumError) -> str:
    name = type(exc).__name__
    return {
        "InvalidLength": "长度应为 18 位",
        "InvalidFormat": "含有不允许的字符",
        "InvalidChecksum": "校验码不正确",
        "InvalidComponent": "登记管理部门代码或行政区划部分不正确",
    }.get(name, "格式不正确")
