"""Snippets of a hit with its terms marked: the text is escaped piece by piece, so nothing
a document or a query holds can become markup."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WINDOW = 90


def _spans(text: str, words: list[str]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for word in sorted({w for w in words if w}, key=len, reverse=True):
        start = text.find(word)
        while start >= 0:
            end = start + len(word)
            if not any(s < end and start < e for s, e in spans):
                spans.append((start, end))
            start = text.find(word, end)
    return sorted(spans)


def snippet(text: str, words: list[str], window: int = WINDOW) -> tuple[str, SafeString]:
    """(plain snippet, HTML snippet with <mark>) around the first place a word occurs."""
    text = " ".join(text.split())
    spans = _spans(text, words)
    first = spans[0][0] if spans else 0
    start = max(0, first - window // 3)
    end = min(len(text), start + window)
    plain = ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
    return plain, highlight(text[start:end], words, lead=bool(start), tail=end < len(text))


def highlight(text: str, words: list[str], *, lead: bool = False, tail: bool = False) -> SafeString:
    out: list[str] = ["…"] if lead else []
    pos = 0
    for s, e in _spans(text, words):
        out.append(escape(text[pos:s]))
        out.append(f"<mark>{escape(text[s:e])}</mark>")
        pos = e
    out.append(escape(text[pos:]))
    if tail:
        out.append("…")
    return mark_safe("".join(out))  # noqa: S308  (every piece above is escaped)
