"""SM4 sealing of sensitive fields."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from fazhi.core import crypto


def test_a_sealed_value_opens_to_the_same_text_and_differs_each_time():
    first, second = crypto.seal("360102199001011234"), crypto.seal("360102199001011234")
    assert first.startswith("sm4:1:")
    assert first != second  # a fresh nonce each time
    assert "1234" not in first
    assert crypto.unseal(first) == crypto.unseal(second) == "360102199001011234"
    assert crypto.seal("") == ""
    assert crypto.seal(first) == first  # not sealed twice
    assert crypto.unseal("明文") == "明文"  # a value written before sealing reads as it is


def test_an_altered_value_or_another_key_is_refused_in_chinese(settings):
    sealed = crypto.seal("13907941234")
    body = sealed[len(crypto.PREFIX) :]
    altered = crypto.PREFIX + ("A" if body[0] != "A" else "B") + body[1:]
    with pytest.raises(crypto.SealError, match="无法解密"):
        crypto.unseal(altered)
    with pytest.raises(crypto.SealError, match="已损坏"):
        crypto.unseal(crypto.PREFIX + "不是base64")
    settings.FIELD_KEY = "0" * 32
    with pytest.raises(crypto.SealError, match="密钥"):
        crypto.unseal(sealed)
    assert crypto.masked(sealed) == "（无法解密）"


def test_a_malformed_key_is_a_configuration_error(settings):
    settings.FIELD_KEY = "not-hex"
    with pytest.raises(ImproperlyConfigured, match="FAZHI_FIELD_KEY"):
        crypto.seal("x")


def test_masks_show_that_a_value_was_given_and_nothing_of_it():
    assert crypto.mask("13907941234") == "******"
    assert crypto.mask("1234") == "******"
    assert crypto.mask("") == ""


@pytest.mark.django_db
def test_check_deploy_reports_whether_fields_can_be_sealed(settings):
    import io

    from django.core.management import CommandError, call_command

    def report() -> str:
        out = io.StringIO()
        with pytest.raises(CommandError):  # not in production mode here, so it fails anyway
            call_command("check_deploy", stdout=out)
        return out.getvalue()

    assert "[通过] SM4 可用" in report()
    settings.FIELD_KEY = "short"
    assert "[错误] 敏感字段无法加密" in report()
