"""Chinese text normalisation, in one place (architecture rule 6): width, spaces, invisibles.

Plans parse with it, units are matched with it, and the laws module builds its display and
search forms on the same tables.
"""

from __future__ import annotations

import re

# Full-width ASCII (！…～) → ASCII: "（市、区）" and "(市、区)" must compare equal.
_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_SPACES = dict.fromkeys(
    map(ord, "\u00a0\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"), " "
)
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_OTHER = {ord("﹙"): "(", ord("﹚"): ")", ord("﹐"): ",", ord("﹔"): ";", ord("﹕"): ":"}
_TABLE: dict[int, int | str | None] = {**_WIDTH, **_SPACES, **INVISIBLE, **_OTHER}
_RUNS = re.compile(r"[ \t\f\v]+")


def normalise(text: str) -> str:
    """Half-width punctuation and digits, plain spaces, no zero-width characters, LF lines.

    Line structure is kept (parsers need it); runs of spaces become one, lines are stripped.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_TABLE)
    return "\n".join(_RUNS.sub(" ", line).strip() for line in text.split("\n"))


_FOLD: dict[int, int | str | None] = {**_WIDTH, **_SPACES, **_OTHER}


def fold(text: str) -> str:
    """``normalise``'s character mapping alone, one character for one: a copy to parse whose
    positions are those of ``text``, so what is found in it can be cut from ``text`` as
    written (full-width punctuation kept)."""
    return text.translate(_FOLD)


def compact(text: str) -> str:
    """A name for comparing: normalised, with no spaces at all."""
    return re.sub(r"\s+", "", normalise(text))


# --- what a person may type, and what a file may hold --------------------------------------
#
# C0 controls other than TAB, LF and CR, DEL, the C1 controls, lone surrogates and the two
# non-characters U+FFFE/U+FFFF: invisible, refused by XML 1.0 (so by every .docx and .xlsx we
# write) or by PostgreSQL (NUL). Typed input holding one is refused with a message
# (check_plain); text taken from an uploaded file has them removed (printable).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def control_character(text: str) -> tuple[int, str] | None:
    """The first character a person may not type (1-based position and the character)."""
    found = _CONTROL.search(text)
    return (found.start() + 1, found.group()) if found else None


def control_message(text: str, label: str = "") -> str:
    """The Chinese refusal for text holding a control character, or "" when it holds none."""
    found = control_character(text)
    if found is None:
        return ""
    position, char = found
    where = f"“{label}”" if label else "提交的内容"
    return (
        f"{where}含有不可见的控制字符（U+{ord(char):04X}，第 {position} 个字符），"
        "可能是从其他软件复制时带入的。请删除后重新填写，本次未作任何更改。"
    )


def check_plain(text: str, label: str = "") -> str:
    """``text`` unchanged, or ValidationError naming the field and the character."""
    from django.core.exceptions import ValidationError

    message = control_message(text, label)
    if message:
        raise ValidationError(message)
    return text


def typed(text: str | None, label: str, *, limit: int | None = None, required: str = "") -> str:
    """Text a person typed, as it is stored: tidied (``tidy``), refused when it holds a
    control character, is empty (``required`` is then the message) or is longer than
    ``limit`` (never cut short without a word)."""
    from django.core.exceptions import ValidationError

    value = check_plain(tidy(text), label)
    if required and not value:
        raise ValidationError(required)
    if limit is not None and len(value) > limit:
        raise ValidationError(f"“{label}”不超过 {limit} 字（现为 {len(value)} 字）")
    return value


def printable(text: str) -> str:
    """``text`` without control characters: for text read from files, and for writing rows
    stored before the input check existed into .docx and .xlsx."""
    return _CONTROL.sub("", text)


def tidy(text: str | None) -> str:
    """What a person typed, as it is stored and shown: LF line ends, no outer spaces, no
    zero-width characters. Punctuation and width are kept as typed (GB/T 15834 text stays
    full-width); compare and index with ``normalise`` instead."""
    value = (text or "").replace("\r\n", "\n").replace("\r", "\n").translate(INVISIBLE)
    return value.strip()


def safe_link(value: object) -> str:
    """``value`` if it is an http(s) URL or a path on this site ("/…"), else "" (for links
    taken from data: imported calendar files, rule rows)."""
    from urllib.parse import urlsplit

    if not isinstance(value, str):
        return ""
    text = value.strip()
    if control_character(text) or any(c.isspace() for c in text):
        return ""
    if text.startswith("/") and not text.startswith("//") and "\\" not in text:
        return text
    parts = urlsplit(text)
    return text if parts.scheme.lower() in ("http", "https") and parts.netloc else ""
