"""Numbers from query strings and hand-read form values (ids, years, page sizes).

A URL can carry anything (``?unit=99999999999999999999``, ``?year=²``): ``int_param`` gives
None for what is absent, malformed or outside the range the caller names, so no page turns
such a value into a database error. Row ids are bounded by the 64-bit integer column.
"""

from __future__ import annotations

MAX_ID = 2**63 - 1


def int_param(raw: object, *, low: int = 1, high: int = MAX_ID) -> int | None:
    """``raw`` as an int in [low, high], else None. Only ASCII digits (and a leading minus
    when ``low`` is negative) are accepted."""
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    digits = text[1:] if text.startswith("-") else text
    if not digits or len(digits) > 19 or not (digits.isascii() and digits.isdigit()):
        return None
    value = int(text)
    return value if low <= value <= high else None
