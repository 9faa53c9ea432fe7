"""党政机关公文格式 (GB/T 9704-2012) for every .docx the product writes: the page, the fonts,
the page numbers and the parts of an official document (发文机关标志, 发文字号, 标题, 主送,
正文 and its headings, 附件说明, 落款 and 成文日期, 版记).

``OfficialDocument`` builds a document from nothing; ``conform`` gives any document (a
filled .docx template, whatever page it was drawn on) the same page set-up, styles and
footer. Both name the fonts the standard names as government machines install them:

* 正文 仿宋_GB2312 — the name the 公文 font set installs (WPS and the government font pack);
  a .docx names one font per run and has no fallback list, and Word and LibreOffice replace
  a missing CJK font by another of the same script (the test machine has Noto CJK);
* 标题 and 发文机关标志 方正小标宋简体, 一级标题 黑体, 二级标题 楷体_GB2312, page numbers 宋体.

Every run gets its East Asian font (``w:eastAsia``) as well as its Latin one, and the theme
fonts of python-docx's own template are removed: a theme font wins over a named one, which
would print CJK text in the theme's font instead of 仿宋.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor, Twips

from fazhi.core.text import printable

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# The page: A4, 天头 37 mm, 订口 28 mm, 版心 156 × 225 mm (so 26 mm right, 35 mm bottom).
PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
TOP, LEFT, RIGHT, BOTTOM = Mm(37), Mm(28), Mm(26), Mm(35)
# The page number sits about 7 mm below the 版心 (GB/T 9704 7.5).
FOOTER_DISTANCE = Mm(23)
HEADER_DISTANCE = Mm(15)
# 22 lines of 28 characters: 225 mm / 22 = 579 twips (28.95 pt) a line, as fixed line spacing
# and as the document grid's line pitch; 156 mm / 28 = 15.79 pt a character, so 三号 (16 pt)
# text is set 0.25 pt (5 twentieths) condensed. A character grid would say the same to Word,
# but LibreOffice gives a 16 pt character two cells of a 15.79 pt grid (14 a line).
LINES, CHARS = 22, 28
LINE_PITCH = Twips(579)
CONDENSED = -5  # w:spacing of a run, in twentieths of a point

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEI_FONT = "黑体"
KAI_FONT = "楷体_GB2312"
SONG_FONT = "宋体"
LATIN_FONT = "Times New Roman"
RED = RGBColor(0xFF, 0x00, 0x00)

SIZE_MARK = Pt(26)  # 发文机关标志: 一号 (the standard leaves the size to the office)
SIZE_TITLE = Pt(22)  # 二号
SIZE_BODY = Pt(16)  # 三号
SIZE_COLOPHON = Pt(14)  # 四号 (版记, page numbers)
CHAR = SIZE_BODY  # one 字 of 正文, the unit of every indent

# Paragraph styles by their Chinese names: (font, size, bold, alignment, first-line indent
# in 字, outline level for a heading).
_STYLES: dict[str, tuple[str, Any, bool, Any, int, int | None]] = {
    "发文机关标志": (TITLE_FONT, SIZE_MARK, False, WD_ALIGN_PARAGRAPH.CENTER, 0, None),
    "发文字号": (BODY_FONT, SIZE_BODY, False, WD_ALIGN_PARAGRAPH.CENTER, 0, None),
    "公文标题": (TITLE_FONT, SIZE_TITLE, False, WD_ALIGN_PARAGRAPH.CENTER, 0, None),
    "主送机关": (BODY_FONT, SIZE_BODY, False, WD_ALIGN_PARAGRAPH.LEFT, 0, None),
    "公文正文": (BODY_FONT, SIZE_BODY, False, WD_ALIGN_PARAGRAPH.JUSTIFY, 2, None),
    "一级标题": (HEI_FONT, SIZE_BODY, False, WD_ALIGN_PARAGRAPH.JUSTIFY, 2, 0),
    "二级标题": (KAI_FONT, SIZE_BODY, False, WD_ALIGN_PARAGRAPH.JUSTIFY, 2, 1),
    "三级标题": (BODY_FONT, SIZE_BODY, True, WD_ALIGN_PARAGRAPH.JUSTIFY, 2, 2),
    "四级标题": (BODY_FONT, SIZE_BODY, False, WD_ALIGN_PARAGRAPH.JUSTIFY, 2, 3),
    "附件说明": (BODY_FONT, SIZE_BODY, False, WD_ALIGN_PARAGRAPH.LEFT, 2, None),
    "发文机关署名": (BODY_FONT, SIZE_BODY, False, WD_ALIGN_PARAGRAPH.RIGHT, 0, None),
    "成文日期": (BODY_FONT, SIZE_BODY, False, WD_ALIGN_PARAGRAPH.RIGHT, 0, None),
    "版记": (BODY_FONT, SIZE_COLOPHON, False, WD_ALIGN_PARAGRAPH.LEFT, 0, None),
    "表格文字": (BODY_FONT, SIZE_COLOPHON, False, WD_ALIGN_PARAGRAPH.LEFT, 0, None),
}
HEADING_STYLES = ("一级标题", "二级标题", "三级标题", "四级标题")


def chinese_date(day: date) -> str:
    """成文日期 in arabic numerals without leading zeros (GB/T 9704-2012 7.3.5): 2026年12月2日."""
    return f"{day.year}年{day.month}月{day.day}日"


def width(text: str) -> float:
    """Width of ``text`` in 字: a full-width character is one, a half-width digit half."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "FWA" else 0.5 for c in text)


# --- fonts and language -------------------------------------------------------------------


def _rfonts(rpr: Any) -> Any:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    return fonts


def _drop_theme_fonts(fonts: Any) -> None:
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        if fonts.get(qn(attr)) is not None:
            del fonts.attrib[qn(attr)]


def set_fonts(rpr: Any, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Name the fonts of a run or style properties element (``w:rPr``): CJK and Latin."""
    fonts = _rfonts(rpr)
    _drop_theme_fonts(fonts)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:cs"), latin)


def _size(rpr: Any, size: Any) -> None:
    for tag in ("w:sz", "w:szCs"):
        found = rpr.find(qn(tag))
        if found is None:
            found = OxmlElement(tag)
            rpr.append(found)
        found.set(qn("w:val"), str(round(size.pt * 2)))


def _condense(rpr: Any) -> None:
    found = rpr.find(qn("w:spacing"))
    if found is None:
        found = OxmlElement("w:spacing")
        rpr.append(found)
    found.set(qn("w:val"), str(CONDENSED))


def _set_lang(rpr: Any) -> None:
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    lang.set(qn("w:bidi"), "ar-SA")


def style_run(
    run: Any,
    east_asia: str = BODY_FONT,
    size: Any = None,
    *,
    latin: str = LATIN_FONT,
    bold: bool | None = None,
    color: RGBColor | None = None,
) -> Any:
    set_fonts(run._r.get_or_add_rPr(), east_asia, latin)
    if size is not None:
        run.font.size = size
    if bold is not None:
        run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    return run


def _run_fonts_of(run_element: Any, styles: dict[str, str], default: str) -> str:
    paragraph = run_element.getparent()
    style_id = None
    if paragraph is not None and paragraph.pPr is not None and paragraph.pPr.pStyle is not None:
        style_id = paragraph.pPr.pStyle.val
    return styles.get(style_id or "", default)


# --- the page -----------------------------------------------------------------------------


def _page(section: Any) -> None:
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = TOP, BOTTOM
    section.left_margin, section.right_margin = LEFT, RIGHT
    section.header_distance, section.footer_distance = HEADER_DISTANCE, FOOTER_DISTANCE
    section.gutter = Mm(0)
    sect = section._sectPr
    grid = sect.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE_PITCH.twips))
    if grid.get(qn("w:charSpace")) is not None:
        del grid.attrib[qn("w:charSpace")]


def _field(paragraph: Any, instruction: str, shown: str) -> None:
    """A field (PAGE) as Word writes it: begin, instruction, separate, last value, end."""

    def char(kind: str) -> Any:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        return element

    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instruction} "
    for part in (char("begin"), code, char("separate")):
        run = paragraph.add_run()
        style_run(run, SONG_FONT, SIZE_COLOPHON, latin=SONG_FONT)
        run._r.append(part)
    style_run(paragraph.add_run(shown), SONG_FONT, SIZE_COLOPHON, latin=SONG_FONT)
    run = paragraph.add_run()
    style_run(run, SONG_FONT, SIZE_COLOPHON, latin=SONG_FONT)
    run._r.append(char("end"))


def _page_number(footer: Any, odd: bool) -> None:
    """ "— 1 —": 4号半角宋体阿拉伯数字, a 一字线 each side; odd pages right, even pages left,
    one character in from the edge of the 版心 (GB/T 9704 7.5)."""
    footer.is_linked_to_previous = False
    body = footer._element
    for child in list(body):
        body.remove(child)
    paragraph = footer.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
    if odd:
        fmt.right_indent = SIZE_COLOPHON
    else:
        fmt.left_indent = SIZE_COLOPHON
    fmt.first_line_indent = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    fmt.space_before = fmt.space_after = Pt(0)
    style_run(paragraph.add_run("— "), SONG_FONT, SIZE_COLOPHON, latin=SONG_FONT)
    _field(paragraph, "PAGE", "1")
    style_run(paragraph.add_run(" —"), SONG_FONT, SIZE_COLOPHON, latin=SONG_FONT)


# --- styles -------------------------------------------------------------------------------


def _paragraph_style(document: Any, name: str) -> Any:
    styles = document.styles
    try:
        return styles[name]
    except KeyError:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles["Normal"]
        style.quick_style = True
        return style


def _outline(style: Any, level: int | None) -> None:
    ppr = style.element.get_or_add_pPr()
    found = ppr.find(qn("w:outlineLvl"))
    if level is None:
        if found is not None:
            ppr.remove(found)
        return
    if found is None:
        found = OxmlElement("w:outlineLvl")
        ppr.append(found)
    found.set(qn("w:val"), str(level))


def _styles(document: Any) -> dict[str, str]:
    """Define Normal and the 公文 styles; returns each style id's East Asian font."""
    root = document.styles.element
    for fonts in root.iter(qn("w:rFonts")):
        _drop_theme_fonts(fonts)  # a theme font overrides the font named beside it
    defaults = root.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        root.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    set_fonts(rpr, BODY_FONT)
    _set_lang(rpr)
    _size(rpr, SIZE_BODY)  # the document grid measures characters against the default size

    normal = document.styles["Normal"]
    set_fonts(normal.element.get_or_add_rPr(), BODY_FONT)
    _set_lang(normal.element.get_or_add_rPr())
    normal.font.size = SIZE_BODY
    normal.font.color.rgb = RGBColor(0, 0, 0)
    _condense(normal.element.get_or_add_rPr())
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE_PITCH
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.widow_control = True
    fonts = {normal.style_id: BODY_FONT}
    for name, (font, size, bold, alignment, indent, level) in _STYLES.items():
        style = _paragraph_style(document, name)
        set_fonts(style.element.get_or_add_rPr(), font)
        style.font.size = size
        style.font.bold = bold
        style.font.color.rgb = RED if name == "发文机关标志" else RGBColor(0, 0, 0)
        style.paragraph_format.alignment = alignment
        style.paragraph_format.first_line_indent = CHAR * indent if indent else Pt(0)
        style.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        style.paragraph_format.line_spacing = LINE_PITCH
        _outline(style, level)
        fonts[style.style_id] = font
    title = document.styles["公文标题"].paragraph_format
    title.space_before, title.space_after = LINE_PITCH * 2, LINE_PITCH  # 空二行 above, 一行 below
    colophon = document.styles["版记"].paragraph_format
    colophon.left_indent = colophon.right_indent = SIZE_COLOPHON  # 左右各空一字
    colophon.line_spacing = Pt(24)
    table_text = document.styles["表格文字"].paragraph_format
    table_text.line_spacing_rule = WD_LINE_SPACING.SINGLE
    return fonts


def _language(document: Any) -> None:
    settings = document.settings.element
    lang = settings.find(qn("w:themeFontLang"))
    if lang is None:
        lang = OxmlElement("w:themeFontLang")
        settings.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    core = document.core_properties
    core.language = "zh-CN"


def conform(document: Any) -> Any:
    """Give ``document`` the GB/T 9704 page, styles, language and page numbers, whatever the
    page set-up it came with: A4 with the standard's margins and grid on every section, the
    公文 styles (Normal becomes 仿宋 三号 on 28.95 pt lines), "— N —" in every footer
    (odd pages right, even pages left), ``w:eastAsia`` on every run that names a font, and no
    theme fonts. Headers are emptied (a 公文 has none). Returns the document."""
    fonts = _styles(document)
    _language(document)
    document.settings.odd_and_even_pages_header_footer = True
    for section in document.sections:
        _page(section)
        section.different_first_page_header_footer = False
        for header in (section.header, section.even_page_header):
            header.is_linked_to_previous = False
            for child in list(header._element):
                header._element.remove(child)
            header.add_paragraph()
        _page_number(section.footer, odd=True)
        _page_number(section.even_page_footer, odd=False)
    body = document.element.body
    for run in body.iter(qn("w:r")):
        rpr = run.find(qn("w:rPr"))
        if rpr is None:
            continue
        found = rpr.find(qn("w:rFonts"))
        if found is None:
            continue
        _drop_theme_fonts(found)
        if found.get(qn("w:eastAsia")) is None:
            found.set(qn("w:eastAsia"), _run_fonts_of(run, fonts, BODY_FONT))
    for lang in body.iter(qn("w:lang")):
        lang.set(qn("w:eastAsia"), "zh-CN")
    return document


def docx_bytes(document: Any) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- the builder --------------------------------------------------------------------------


def _border(paragraph: Any, side: str, *, size: int, color: str = "000000", space: int = 1) -> None:
    """A rule along ``side`` of the paragraph; ``size`` in eighths of a point."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        ppr.append(borders)
    line = OxmlElement(f"w:{side}")
    line.set(qn("w:val"), "single")
    line.set(qn("w:sz"), str(size))
    line.set(qn("w:space"), str(space))
    line.set(qn("w:color"), color)
    borders.append(line)


class OfficialDocument:
    """A 公文 laid out by GB/T 9704-2012, part by part in the standard's order.

    Text goes in through ``core.text.printable``: a row stored before typed input was
    checked may hold a control character, which the document's XML cannot carry.
    """

    def __init__(self) -> None:
        self.document = conform(docx.Document())
        body = self.document.element.body
        for paragraph in list(body.iterchildren(qn("w:p"))):
            body.remove(paragraph)  # python-docx's template starts with no text; be sure

    def _add(self, text: str, style: str) -> Any:
        paragraph = self.document.add_paragraph(style=style)
        if text:
            font = _STYLES[style][0]
            style_run(paragraph.add_run(printable(text)), font)
        return paragraph

    # 版头
    def issuer_mark(self, issuer: str) -> Any:
        """发文机关标志: the issuing body's name in red 小标宋, centred."""
        return self._add(issuer, "发文机关标志")

    def number(self, number: str) -> Any:
        """发文字号 (抚司公开〔2026〕3号) two lines below the mark, with the red separator line
        the width of the 版心 4 mm below it."""
        paragraph = self._add(number, "发文字号")
        paragraph.paragraph_format.space_before = LINE_PITCH * 2
        paragraph.paragraph_format.space_after = Pt(0)
        _border(paragraph, "bottom", size=12, color="FF0000", space=11)
        return paragraph

    # 主体
    def title(self, text: str) -> Any:
        """标题: 2号小标宋, centred; a line break in ``text`` starts a new line of the title."""
        return self._add(text, "公文标题")

    def addressee(self, text: str) -> Any:
        """主送机关 (or the person addressed), flush left, ending with a full-width colon."""
        text = text.rstrip("：:")
        return self._add(f"{text}：", "主送机关")

    def paragraph(self, text: str = "", *, lead: str = "") -> Any:
        """A 正文 paragraph, 首行缩进 2 字; ``lead`` is printed first in 黑体 (a run-in label)."""
        paragraph = self.document.add_paragraph(style="公文正文")
        if lead:
            style_run(paragraph.add_run(printable(lead)), HEI_FONT)
        if text:
            style_run(paragraph.add_run(printable(text)), BODY_FONT)
        return paragraph

    def heading(self, text: str, level: int) -> Any:
        """一级 黑体 (一、), 二级 楷体 (（一）), 三级 仿宋 bold (1.), 四级 仿宋 (（1）)."""
        if not 1 <= level <= len(HEADING_STYLES):
            raise ValueError(f"heading level {level}")
        return self._add(text, HEADING_STYLES[level - 1])

    def table(self, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Any:
        """A bordered table in 四号 仿宋, header row repeated on every page."""
        table = self.document.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        head = table.rows[0]
        trpr = head._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        trpr.append(repeat)
        for cell, text in zip(head.cells, header, strict=True):
            self._cell(cell, text, bold=True)
        for values in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, values, strict=True):
                self._cell(cell, "" if value is None else str(value))
        return table

    def _cell(self, cell: Any, text: str, *, bold: bool = False) -> None:
        paragraph = cell.paragraphs[0]
        paragraph.style = self.document.styles["表格文字"]
        if bold:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        style_run(paragraph.add_run(printable(text)), HEI_FONT if bold else BODY_FONT)

    def attachments(self, names: Sequence[str]) -> list[Any]:
        """附件说明 one line below the 正文: "附件：1.××", further names aligned under the first."""
        if not names:
            return []
        self.document.add_paragraph(style="公文正文")
        made = []
        numbered = len(names) > 1
        for i, name in enumerate(names, start=1):
            label = f"{i}.{name}" if numbered else name
            paragraph = self._add(("附件：" if i == 1 else "") + label, "附件说明")
            if i > 1:
                paragraph.paragraph_format.first_line_indent = CHAR * 5  # under "1."
            made.append(paragraph)
        return made

    def signature(self, issuer: str, day: date | str) -> tuple[Any, Any]:
        """落款 of a document without a seal (GB/T 9704 7.3.5.2): the issuer one line below the
        text, 右空二字; the date on the next line, its first character two 字 right of the
        issuer's — the issuer moves left when the date is the longer one. In a template
        (``{{unit}}``, ``{{date}}``) the lengths are not known: a unit of six to eight
        characters over a date such as 2026年12月2日 is assumed."""
        when = chinese_date(day) if isinstance(day, date) else day
        if "{{" in issuer or "{{" in when:
            date_in, issuer_in = 2.0, 4.0
        else:
            date_in = max(2.0, width(issuer) - width(when))
            issuer_in = date_in + width(when) - width(issuer) + 2
        self.document.add_paragraph(style="公文正文")
        name = self._add(issuer, "发文机关署名")
        name.paragraph_format.right_indent = Pt(CHAR.pt * issuer_in)
        dated = self._add(when, "成文日期")
        dated.paragraph_format.right_indent = Pt(CHAR.pt * date_in)
        return name, dated

    def colophon(self, printer: str, day: date, copies_to: Sequence[str] = ()) -> list[Any]:
        """版记: 抄送 (if any) and 印发机关 with 印发日期, 四号仿宋, between a heavy first and last
        rule with a thin one between (GB/T 9704 7.4)."""
        self.document.add_paragraph(style="公文正文")
        made = []
        if copies_to:
            cc = self._add("抄送：" + "，".join(copies_to) + "。", "版记")
            _border(cc, "top", size=8, space=4)
            _border(cc, "bottom", size=4, space=4)
            made.append(cc)
        printed = self._add("", "版记")
        tab = printed.paragraph_format.tab_stops
        tab.add_tab_stop(Mm(156) - SIZE_COLOPHON * 2, WD_TAB_ALIGNMENT.RIGHT)
        style_run(printed.add_run(printable(printer)), BODY_FONT)
        style_run(printed.add_run("\t" + chinese_date(day) + "印发"), BODY_FONT)
        if not copies_to:
            _border(printed, "top", size=8, space=4)
        _border(printed, "bottom", size=8, space=4)
        made.append(printed)
        return made

    def bytes(self) -> bytes:
        return docx_bytes(self.document)
