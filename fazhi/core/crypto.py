"""SM4 sealing of sensitive fields (ID numbers, phones): architecture's "SM4 for sensitive
fields". A sealed value is ``sm4:1:`` + base64(12-byte nonce | ciphertext | 16-byte tag),
SM4 in GCM mode with the key FAZHI_FIELD_KEY: the same text seals differently each time,
and a changed byte or the wrong key is detected, not decrypted into nonsense.

Sealed columns cannot be searched or compared in SQL; keep a separate derived column (a
hash, the last four digits) where a lookup is needed.
"""

from __future__ import annotations

import base64
import binascii
import os
from functools import cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

PREFIX = "sm4:1:"
NONCE = 12
TAG = 16


class SealError(ValueError):
    """A sealed value that cannot be opened (wrong key or altered data)."""


@cache
def _key(hex_key: str) -> bytes:
    try:
        key = bytes.fromhex(hex_key)
    except ValueError:
        key = b""
    if len(key) != 16:
        raise ImproperlyConfigured("FAZHI_FIELD_KEY 必须是 32 位十六进制数字（128 位 SM4 密钥）")
    return key


def is_sealed(value: object) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def seal(text: str) -> str:
    """The sealed form of ``text``; empty text stays empty, sealed text stays as it is."""
    if not text or is_sealed(text):
        return text
    nonce = os.urandom(NONCE)
    encryptor = Cipher(algorithms.SM4(_key(settings.FIELD_KEY)), modes.GCM(nonce)).encryptor()
    body = encryptor.update(text.encode("utf-8")) + encryptor.finalize()
    return PREFIX + base64.b64encode(nonce + body + encryptor.tag).decode("ascii")


def unseal(value: str) -> str:
    """The text of a sealed value; a value that was never sealed is returned as it is."""
    if not is_sealed(value):
        return value
    try:
        raw = base64.b64decode(value[len(PREFIX) :], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise SealError("加密字段已损坏，无法解密") from exc
    if len(raw) < NONCE + TAG:
        raise SealError("加密字段已损坏，无法解密")
    nonce, body, tag = raw[:NONCE], raw[NONCE:-TAG], raw[-TAG:]
    decryptor = Cipher(algorithms.SM4(_key(settings.FIELD_KEY)), modes.GCM(nonce, tag)).decryptor()
    try:
        return (decryptor.update(body) + decryptor.finalize()).decode("utf-8")
    except InvalidTag as exc:
        raise SealError("加密字段无法解密：密钥（FAZHI_FIELD_KEY）不对或数据被改动") from exc


MASK = "******"


def mask(text: str) -> str:
    """What a log or a timeline may show of a sensitive value: that one was given, nothing
    of it. Not even the last four digits: with a disclosure query code those are the
    applicant's portal credential."""
    return MASK if text else ""


def masked(value: str) -> str:
    """mask() of a possibly sealed value, or a note when it cannot be opened."""
    try:
        return mask(unseal(value))
    except SealError:
        return "（无法解密）"


class SealedField(models.TextField):  # type: ignore[type-arg]
    """A text column stored sealed with SM4 and read back as plain text."""

    description = "SM4 加密文本"

    def to_python(self, value: Any) -> Any:
        return unseal(value) if isinstance(value, str) else value

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return self.to_python(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return seal(value) if isinstance(value, str) else value
