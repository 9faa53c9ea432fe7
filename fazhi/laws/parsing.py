"""Reading a law's Markdown into its structure: title, preamble, 编/章/节/条/款.

The corpus format: ``# 标题``, the adoption history, ``<!-- INFO END -->``, then headings
(``## 第一章 总则``, ``### 第一节 …``) and articles as paragraphs starting ``第X条``.
Texts without articles (amendments, standards, cases) become numbered text blocks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from fazhi.laws.text import NUMERAL, article_anchor, clean, cn_to_int

INFO_END = "<!-- INFO END -->"
_ARTICLE = re.compile(rf"^(第[{NUMERAL}0-9]+条(?:之[{NUMERAL}]+)?)(?:[\s\u3000]+(.*))?$")
_STRUCTURE = re.compile(rf"^第([{NUMERAL}0-9]+)(分编|编|章|节)[\s\u3000]*(.*)$")
_HEADING = re.compile(r"^(#{1,6})\s*(.*?)\s*#*$")
_CN_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_IN_FORCE = re.compile(r"自\s*(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*起施行")
# Text blocks without articles are cut at headings, or after this many characters.
BLOCK_CHARS = 1200

KIND_OF_UNIT = {"编": "part", "分编": "part", "章": "chapter", "节": "section"}


class ParseError(ValueError):
    """The Markdown cannot be read as a law; the message says why, in Chinese."""


@dataclass
class ParsedProvision:
    kind: str  # part / chapter / section / heading / article / text
    label: str  # 第三十条, 第二章, or "" for text blocks
    heading: str  # 总则 (structure) or "" (articles)
    paragraphs: list[str] = field(default_factory=list)  # 款 of an article, lines of a block
    path: str = ""  # the enclosing 编/章/节, e.g. "第二章 行政复议申请 › 第三节 申请的提出"
    number: int | None = None
    anchor: str = ""

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


@dataclass
class ParsedLaw:
    title: str
    preamble: list[str]
    provisions: list[ParsedProvision]
    effective_on: date | None  # from "自…起施行", when the text says so

    @property
    def articles(self) -> list[ParsedProvision]:
        return [p for p in self.provisions if p.kind == "article"]

    def latest_preamble_date(self) -> date | None:
        found = [d for line in self.preamble for d in _dates(line)]
        return max(found) if found else None


def _dates(text: str) -> list[date]:
    out: list[date] = []
    for y, m, d in _CN_DATE.findall(text):
        try:
            out.append(date(int(y), int(m), int(d)))
        except ValueError:
            continue
    return out


def parse_markdown(raw: str) -> ParsedLaw:
    """Parse one version's Markdown. Raises ParseError when it is not a law text."""
    if "\x00" in raw:
        raise ParseError("文件含有二进制内容，不是文本")
    lines = clean(raw).splitlines()
    # Front matter (--- … ---) is site metadata, not text.
    if lines and lines[0].strip() == "---":
        try:
            end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
        except StopIteration as exc:
            raise ParseError("文件开头的元数据（---）没有结束") from exc
        lines = lines[end + 1 :]
    body_start = 0
    title = ""
    for i, line in enumerate(lines):
        if line.strip():
            heading = _HEADING.match(line.strip())
            if heading and len(heading.group(1)) == 1 and heading.group(2):
                title = heading.group(2).strip()
                body_start = i + 1
            break
    if not title:
        raise ParseError("缺少一级标题（第一行应为“# 标题”）")
    rest = lines[body_start:]
    preamble: list[str] = []
    if any(line.strip() == INFO_END for line in rest):
        cut = next(i for i, line in enumerate(rest) if line.strip() == INFO_END)
        preamble = [line.strip() for line in rest[:cut] if line.strip()]
        rest = rest[cut + 1 :]
    provisions = _structure(rest)
    if not any(p.paragraphs for p in provisions):
        raise ParseError("正文为空（只有标题和说明）")
    return ParsedLaw(title, preamble, provisions, _effective_on(provisions))


def _structure(lines: list[str]) -> list[ParsedProvision]:
    out: list[ParsedProvision] = []
    context: dict[str, str] = {}  # kind → "第二章 行政复议申请"
    order = ("part", "chapter", "section")
    current: ParsedProvision | None = None
    seen_labels: set[str] = set()
    blocks = 0

    def path() -> str:
        return " › ".join(context[k] for k in order if k in context)

    def new_block(heading: str = "") -> ParsedProvision:
        nonlocal blocks
        blocks += 1
        block = ParsedProvision("text", "", heading, path=path(), anchor=f"b{blocks}")
        out.append(block)
        return block

    for raw_line in lines:
        line = raw_line.strip()
        if not line or (line.startswith("<!--") and line.endswith("-->")):
            continue
        heading = _HEADING.match(line)
        unit = _STRUCTURE.match(heading.group(2) if heading else line)
        if unit and (heading or len(line) <= 40) and not _ARTICLE.match(line):
            kind = KIND_OF_UNIT[unit.group(2)]
            label = f"第{unit.group(1)}{unit.group(2)}"
            name = unit.group(3).replace(" ", "").replace("\u3000", "")
            # A new chapter closes the section; a new part closes both.
            for k in order[order.index(kind) :]:
                context.pop(k, None)
            context[kind] = f"{label} {name}".strip()
            out.append(
                ParsedProvision(
                    kind,
                    label,
                    name,
                    path=path(),
                    number=cn_to_int(unit.group(1)),
                    anchor=f"{kind[0]}{len(out)}",
                )
            )
            current = None
            continue
        if heading:
            current = new_block(heading.group(2).strip())
            continue
        article = _ARTICLE.match(line)
        if article and article.group(1) not in seen_labels:
            label = article.group(1)
            seen_labels.add(label)
            number = cn_to_int(label[1 : label.index("条")])
            current = ParsedProvision(
                "article", label, "", path=path(), number=number, anchor=article_anchor(label)
            )
            if article.group(2):
                current.paragraphs.append(article.group(2).strip())
            out.append(current)
            continue
        if current is None or (
            current.kind == "text" and sum(map(len, current.paragraphs)) > BLOCK_CHARS
        ):
            current = new_block()
        # Some sources repeat a paragraph verbatim; keep it once.
        if not current.paragraphs or current.paragraphs[-1] != line:
            current.paragraphs.append(line)
    return out


def _effective_on(provisions: list[ParsedProvision]) -> date | None:
    for provision in reversed(provisions[-5:]):
        match = _IN_FORCE.search(provision.text)
        if match:
            found = _dates(match.group(1))
            if found:
                return found[0]
    return None


_FILE_DATE = re.compile(r"^(?P<title>.+?)\((?P<date>\d{4}-\d{2}-\d{2})\)$")


def split_file_stem(stem: str) -> tuple[str, date | None]:
    """'行政复议法(2023-09-01)' → ('行政复议法', date(2023, 9, 1)); undated → (stem, None)."""
    match = _FILE_DATE.match(stem)
    if not match:
        return stem, None
    try:
        return match.group("title"), date.fromisoformat(match.group("date"))
    except ValueError:
        return stem, None
