"""Password rules in Chinese: length is Django's validator; here, the mix of characters."""

from __future__ import annotations

import string
from collections.abc import Callable
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

CLASSES: tuple[tuple[str, Callable[[str], bool]], ...] = (
    ("大写字母", lambda c: c in string.ascii_uppercase),
    ("小写字母", lambda c: c in string.ascii_lowercase),
    ("数字", lambda c: c in string.digits),
    ("特殊字符", lambda c: not c.isalnum() and not c.isspace()),
)


class CharacterClassValidator:
    """At least ``min_classes`` of: upper case, lower case, digits, special characters."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        present = sum(1 for _, test in CLASSES if any(test(c) for c in password))
        if present < self.min_classes:
            raise ValidationError(
                "密码须至少包含大写字母、小写字母、数字、特殊字符中的 %(n)d 类。",
                code="password_too_simple",
                params={"n": self.min_classes},
            )

    def get_help_text(self) -> str:
        return f"密码须至少包含大写字母、小写字母、数字、特殊字符中的 {self.min_classes} 类。"


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length rule; its 5.2 message has no Chinese translation yet, so it is given here."""

    def get_error_message(self) -> str:
        return f"密码太短，至少需要 {self.min_length} 个字符。"

    def get_help_text(self) -> str:
        return f"密码至少需要 {self.min_length} 个字符。"

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(
                self.get_error_message(),
                code="password_too_short",
                params={"min_length": self.min_length},
            )
