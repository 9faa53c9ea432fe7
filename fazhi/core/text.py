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


def compact(text: str) -> str:
    """A name for comparing: normalised, with no spaces at all."""
    return re.sub(r"\s+", "", normalise(text))
