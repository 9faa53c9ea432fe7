"""Chinese text helpers of the laws module: cleaning, numerals, article labels, search tokens.

The characters removed or folded come from fazhi.core.text (architecture rule 6: one place);
what is here is specific to laws: numerals, article labels and search tokens.
"""

from __future__ import annotations

import re
import unicodedata

from fazhi.core.text import INVISIBLE, printable

_SPACES = re.compile(r"[ \t\u00a0\u3000\u2002-\u200a\u202f\u205f]+")
# Full-width ASCII letters and digits (Ａ-Ｚ, ａ-ｚ, ０-９): folded to ASCII for search only;
# Chinese punctuation is kept so that snippets read as the text does.
_FULLWIDTH_ALNUM = re.compile(r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")

CJK = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_TOKEN_RUNS = re.compile(rf"[{CJK}]+|[0-9a-z]+")
_CJK_RUN = re.compile(rf"[{CJK}]+")


def clean(text: str) -> str:
    """Text read from a law file, for display and storage: no control characters, no
    zero-width characters, no non-breaking spaces."""
    text = printable(text).translate(INVISIBLE).replace("\u00a0", " ")
    return "\n".join(line.rstrip() for line in text.splitlines())


def for_search(text: str) -> str:
    """Text as the index and the query see it: lower-case ASCII, half-width alphanumerics,
    one space for any run of spaces (ideographic space included)."""
    text = text.translate(INVISIBLE)
    text = _FULLWIDTH_ALNUM.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    return _SPACES.sub(" ", text.lower())


def tokens(text: str) -> list[str]:
    """Index tokens of already normalised text: overlapping two-character grams of every run
    of Chinese characters (a lone character is its own token) and whole ASCII words.

    Distinct, order not significant: exact phrase semantics come from re-checking the text.
    """
    seen: set[str] = set()
    for run in _TOKEN_RUNS.findall(text):
        if run[0].isascii() or len(run) == 1:
            seen.add(run)
        else:
            # Pairs of neighbouring characters, built in C rather than by slicing.
            seen.update(map(str.__add__, run[:-1], run[1:]))
    return list(seen)


def query_tokens(term: str) -> list[str]:
    """Tokens a document must hold to possibly contain ``term`` (already normalised).

    Lone Chinese characters between other characters are not required (the text around
    them may form a longer run); the exact re-check decides.
    """
    out: list[str] = []
    for match in _TOKEN_RUNS.finditer(term):
        run = match.group()
        if run[0].isascii():
            out.append(run)
        elif len(run) >= 2:
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return list(dict.fromkeys(out))


def token_exact(term: str) -> bool:
    """True when holding the term's single token already proves the exact substring."""
    return bool(re.fullmatch(rf"[{CJK}]{{2}}|[0-9a-z]+", term))


def cjk_length(text: str) -> int:
    return sum(len(m.group()) for m in _CJK_RUN.finditer(text))


# --- Chinese numerals ---------------------------------------------------------------

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
           "六": 6, "七": 7, "八": 8, "九": 9}  # fmt: skip
_UNITS = {"十": 10, "百": 100, "千": 1000}
NUMERAL = "零〇一二两三四五六七八九十百千"


def cn_to_int(numeral: str) -> int | None:
    """一百零一 → 101, 十二 → 12, 二〇 → 20; None when it is not a numeral."""
    if not numeral:
        return None
    if numeral.isdigit():
        return int(numeral)
    total, current = 0, 0
    for ch in numeral:
        if ch in _DIGITS:
            current = current * 10 + _DIGITS[ch] if current and "十" not in numeral else _DIGITS[ch]
        elif ch in _UNITS:
            total += (current or 1) * _UNITS[ch]
            current = 0
        else:
            return None
    return total + current


_ARTICLE_LABEL = re.compile(rf"^第([{NUMERAL}0-9]+)条(?:之([{NUMERAL}]+))?$")


def article_anchor(label: str) -> str:
    """第三十条 → a30, 第一百零一条之一 → a101-1; anything else → a slug of its code points."""
    match = _ARTICLE_LABEL.match(label)
    if match:
        number = cn_to_int(match.group(1))
        suffix = cn_to_int(match.group(2)) if match.group(2) else None
        if number is not None:
            return f"a{number}" + (f"-{suffix}" if suffix else "")
    return "x" + "-".join(f"{ord(c):x}" for c in label)[:60]


def normalise_article_label(label: str) -> str:
    """'第30条', '30', '第 三十 条' → '第三十条' (labels are stored with Chinese numerals)."""
    label = for_search(label).replace(" ", "")
    match = re.fullmatch(r"第?([0-9]+)条?(?:之([0-9]+))?", label)
    if match:
        text = "第" + int_to_cn(int(match.group(1))) + "条"
        if match.group(2):
            text += "之" + int_to_cn(int(match.group(2)))
        return text
    if not label.startswith("第"):
        label = "第" + label
    if "条" not in label:
        label += "条"
    return label


def int_to_cn(number: int) -> str:
    """101 → 一百零一, 12 → 十二, 20 → 二十 (as article labels write them)."""
    digits = "零一二三四五六七八九"
    if number < 10:
        return digits[number]
    if number < 20:
        return "十" + (digits[number % 10] if number % 10 else "")
    parts: list[str] = []
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = number // value % 10
        if d:
            parts.append(digits[d] + unit)
        elif parts and parts[-1] != "零" and number % value:
            parts.append("零")
    return "".join(parts).rstrip("零")


def short_title_of(title: str) -> str:
    """中华人民共和国行政复议法 → 行政复议法 (how people cite it)."""
    return re.sub(r"^中华人民共和国", "", title).strip() or title
