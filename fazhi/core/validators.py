"""Validation of official codes, with Chinese messages (checksums come from python-stdnum)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import ValidationError as StdnumError

_DIVISION_CODE = re.compile(r"^(\d{6}|\d{9}|\d{12})$")


def validate_uscc(value: str) -> str:
    """统一社会信用代码 (GB 32100-2015); returns the compact form."""
    try:
        return str(stdnum_uscc.validate(value))
    except StdnumError as exc:
        raise ValidationError(f"统一社会信用代码“{value}”无效：{_reason(exc)}") from exc


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
