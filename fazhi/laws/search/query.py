"""Reading what a person typed into search terms; jieba (with a legal dictionary) splits
long terms for the fallback match and for highlighting, never for the index."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError

from fazhi.laws.text import CJK, cjk_length, for_search, query_tokens, token_exact

MAX_QUERY_CHARS = 100
MAX_TERMS = 8
USER_DICT = Path(__file__).resolve().parent.parent / "data" / "legal_dict.txt"
# Words the FTS engines treat as operators; here they are ordinary text, and as English
# words they would only ever match nothing, so they are dropped with a note.
OPERATOR_WORDS = {"and", "or", "not", "near"}
STOP_WORDS = {"是", "的", "了", "吗", "呢", "怎么", "如何", "什么", "多久", "多少", "哪些", "有关",
              "关于", "规定", "问题", "怎样", "可以", "能否", "是否"}  # fmt: skip
_SPLIT = re.compile(rf"[^{CJK}0-9a-z]+")


class QueryError(ValidationError):
    """A query that cannot be searched; the message is for the person who typed it."""


@dataclass(frozen=True)
class Term:
    text: str  # normalised
    tokens: tuple[str, ...]  # what the index must hold
    exact_by_token: bool  # holding the one token proves the substring

    @classmethod
    def of(cls, text: str) -> Term:
        return cls(text, tuple(query_tokens(text)), token_exact(text))


@dataclass
class ParsedQuery:
    raw: str
    terms: list[Term]
    notes: list[str] = field(default_factory=list)
    _relaxed: list[Term] | None = None

    @property
    def words(self) -> list[str]:
        return [t.text for t in self.terms]

    def relaxed(self) -> list[Term]:
        """Fallback when the exact terms find nothing: each long term cut into words by
        jieba. Empty when cutting changes nothing. Computed on demand (jieba loads slowly)."""
        if self._relaxed is None:
            words: list[str] = []
            for term in self.words:
                parts = cut_words(term) if cjk_length(term) >= 4 else []
                words.extend(parts if len(parts) >= 2 else [term])
            words = list(dict.fromkeys(w for w in words if query_tokens(w)))
            self._relaxed = [Term.of(w) for w in words] if words != self.words else []
        return self._relaxed


_jieba_lock = threading.Lock()
_jieba_ready = False


def _jieba() -> object:
    global _jieba_ready
    import jieba

    with _jieba_lock:
        if not _jieba_ready:
            jieba.setLogLevel(60)
            jieba.load_userdict(str(USER_DICT))
            _jieba_ready = True
    return jieba


def cut_words(text: str) -> list[str]:
    """jieba's words of ``text`` that are worth searching (2+ characters, not stop words)."""
    jieba = _jieba()
    words = [w.strip() for w in jieba.cut(text)]  # type: ignore[attr-defined]
    return [w for w in words if len(w) >= 2 and w not in STOP_WORDS]


def parse_query(raw: str) -> ParsedQuery:
    """Terms to search for, or QueryError with a message in Chinese."""
    raw = (raw or "").strip()
    if not raw:
        raise QueryError("请输入检索词，例如“行政复议 申请期限”。")
    if len(raw) > MAX_QUERY_CHARS:
        raise QueryError(
            f"检索词过长（{len(raw)} 个字符），最多 {MAX_QUERY_CHARS} 个字符，请只保留关键词。"
        )
    notes: list[str] = []
    pieces = [p for p in _SPLIT.split(for_search(raw)) if p]
    dropped_ops = [p for p in pieces if p in OPERATOR_WORDS]
    if dropped_ops:
        notes.append("不支持 AND、OR、NOT、NEAR 等检索语法，多个词之间用空格分隔即表示同时包含。")
    pieces = [p for p in pieces if p not in OPERATOR_WORDS]
    short = [p for p in pieces if len(p) < 2 or (not p.isascii() and cjk_length(p) < 2)]
    terms = [p for p in pieces if p not in short]
    terms = [t for t in dict.fromkeys(terms) if query_tokens(t)]
    if not terms:
        raise QueryError("检索词至少需要两个汉字，例如“复议”“信息公开”。")
    if short:
        notes.append(f"单个字“{'、'.join(short)}”太短，已忽略。")
    if len(terms) > MAX_TERMS:
        raise QueryError(f"检索词最多 {MAX_TERMS} 个，请减少关键词。")
    return ParsedQuery(raw, [Term.of(t) for t in terms], notes=notes)
