"""Chinese text normalisation for parsing and comparing: one function, used everywhere in plans.

TODO(core): this belongs in fazhi.core (architecture.md: "normalised in one place"); it lives
here until core takes it over, and callers should import :func:`normalise` only.
"""

from __future__ import annotations

import re

# Full-width ASCII (！…～) → ASCII: "（市、区）" and "(市、区)" must compare equal.
_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_SPACES = dict.fromkeys(
    map(ord, "\u00a0\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"), " "
)
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_OTHER = {ord("﹙"): "(", ord("﹚"): ")", ord("﹐"): ",", ord("﹔"): ";", ord("﹕"): ":"}
_TABLE: dict[int, int | str | None] = {**_WIDTH, **_SPACES, **_INVISIBLE, **_OTHER}
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
