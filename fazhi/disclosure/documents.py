"""The 文书 of 依申请公开: the text of each shipped template, laid out by core.officialdoc, and
the remedies (救济途径) a reply names.

The shipped files under data/templates are built from TEMPLATES, so their wording can be
read and reviewed here; after changing it run
``fazhi shell -c "from fazhi.disclosure.documents import write_templates; write_templates()"``
(a test fails while a file and its source differ). An administrator may still replace a file
with one of the office's own (procedures.documents).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fazhi.core.models import Division, DivisionLevel, Organisation, OrgKind
from fazhi.core.officialdoc import OfficialDocument
from fazhi.disclosure.models import ReplyType

TEMPLATE_DIR = Path(__file__).resolve().parent / "data" / "templates"
REGULATION = "《中华人民共和国政府信息公开条例》"


@dataclass(frozen=True)
class Template:
    title: str
    addressee: str
    paragraphs: tuple[str, ...]


TEMPLATES: dict[str, Template] = {
    "receipt": Template(
        "政府信息公开申请登记回执",
        "{{applicant_name}}",
        (
            "本机关已收到您提出的政府信息公开申请。申请方式：{{channel}}；{{receipt_basis}}。",
            "所需信息：{{description}}",
            f"本机关将依照{REGULATION}第三十三条的规定，自收到申请之日起20个工作日内"
            "（{{reply_due_on}}前）予以答复；需要延长答复期限的，经政府信息公开工作机构负责人"
            "同意，延长的期限最长不超过20个工作日，本机关将另行书面告知。征求第三方和其他机关"
            "意见所需的时间不计算在答复期限内。",
            "办理进度可凭查询码 {{query_code}} 和您的联系电话后四位在“政府信息公开申请查询”"
            "页面查询。",
        ),
    ),
    "correction": Template(
        "补正申请告知书",
        "{{applicant_name}}",
        (
            "本机关于{{received_on}}收到您提出的政府信息公开申请（所需信息：{{description}}）。"
            f"经审查，您的申请内容不明确，根据{REGULATION}第三十条的规定，现一次性告知您作出"
            "补正，需要补正的事项如下：",
            "{{items}}",
            "请您于{{due_on}}前提交补正材料。答复期限自本机关收到补正的申请之日起计算。"
            "无正当理由逾期不补正的，视为放弃申请，本机关不再处理该政府信息公开申请。",
        ),
    ),
    "consult": Template(
        "政府信息公开征求意见函",
        "{{party}}",
        (
            "本机关收到{{applicant_name}}提出的政府信息公开申请，所申请的信息可能涉及贵方权益"
            f"（或需征求贵机关意见）。根据{REGULATION}第三十二条、第三十四条的规定，现征求"
            "贵方意见：",
            "{{matter}}",
            "请自收到本函之日起15个工作日内提出书面意见。第三方逾期未提出意见的，本机关将依照"
            "条例的规定决定是否公开；被征求意见的行政机关逾期未提出意见的，视为同意公开。",
        ),
    ),
    "extension": Template(
        "延长答复期限告知书",
        "{{applicant_name}}",
        (
            "本机关于{{received_on}}收到您提出的政府信息公开申请（所需信息：{{description}}）。"
            "因{{reason}}，不能在规定期限内作出答复。经政府信息公开工作机构负责人{{approver}}"
            f"同意，根据{REGULATION}第三十三条第二款的规定，答复期限延长{{{{days}}}}个工作日，"
            "本机关将于{{due_on}}前作出答复。",
            "特此告知。",
        ),
    ),
    "reply": Template(
        "政府信息公开申请答复书",
        "{{applicant_name}}",
        (
            "本机关于{{received_on}}收到您提出的政府信息公开申请（所需信息：{{description}}）。"
            f"根据{REGULATION}的规定，现答复如下：",
            "答复类型：{{reply_type_label}}",
            "{{reply_text}}",
            "{{remedy}}",
        ),
    ),
}


def build_template(code: str) -> bytes:
    """The shipped file for ``code`` (``receipt``, ``reply`` …) as .docx bytes."""
    source = TEMPLATES[code]
    doc = OfficialDocument()
    doc.issuer_mark("{{unit}}")
    doc.number("{{number}}")
    doc.title(source.title)
    doc.addressee(source.addressee)
    for text in source.paragraphs:
        doc.paragraph(text)
    doc.signature("{{unit}}", "{{date}}")
    return doc.bytes()


def write_templates(directory: Path = TEMPLATE_DIR) -> list[Path]:
    written = []
    for code in TEMPLATES:
        path = directory / f"{code}.docx"
        path.write_bytes(build_template(code))
        written.append(path)
    return written


# --- remedies -----------------------------------------------------------------------------

# 行政复议法 (2023) Art. 23(4): a refusal to disclose goes to 复议 before any court.
REFUSALS = frozenset(t for t in ReplyType if t.label.startswith("不予公开"))


def _ancestors(unit: Organisation) -> list[Organisation]:
    found = []
    node = unit.parent
    while node is not None:
        found.append(node)
        node = node.parent
    return found


def review_body(unit: Organisation) -> str:
    """The 行政复议机关 for an act of ``unit`` (行政复议法 Art. 24): for a department, the
    government it is a department of; for a government, the government one level up."""
    for node in _ancestors(unit):
        if node.kind == OrgKind.GOVERNMENT:
            return node.name
    division = unit.division.parent if unit.kind == OrgKind.GOVERNMENT else unit.division
    if division is not None and division.level != DivisionLevel.ZONE:
        return f"{division.name}人民政府"
    return "上一级人民政府"


def _city(unit: Organisation) -> Division | None:
    division: Division | None = unit.division
    while division is not None and division.level != DivisionLevel.CITY:
        division = division.parent
    return division


def court(unit: Organisation) -> str:
    """The court of first instance for a suit against ``unit`` (行政诉讼法 Art. 14, 15, 18):
    the 中级人民法院 when a county-level or higher government is sued, else the basic court
    where the unit sits (a city may have given administrative cases to one court: 有管辖权)."""
    city = _city(unit)
    if unit.kind == OrgKind.GOVERNMENT and city is not None:
        return f"{city.name}中级人民法院"
    if unit.division.level == DivisionLevel.COUNTY and city is not None:
        return f"{city.name}{unit.division.name}人民法院或其他有管辖权的人民法院"
    place = city.name if city is not None else unit.division.name
    return f"{place}有管辖权的基层人民法院"


def remedy(unit: Organisation, reply_type: str) -> str:
    """救济途径 of a reply: 60 days for 复议 (行政复议法 Art. 20), 6 months for a suit (行政诉讼法
    Art. 46); a refusal must go to 复议 first (行政复议法 Art. 23), and a suit follows within 15
    days of the 复议 decision (行政诉讼法 Art. 45)."""
    body, first_court = review_body(unit), court(unit)
    choice = (
        f"可以自收到本答复书之日起60日内向{body}申请行政复议（《中华人民共和国行政复议法》"
        f"第二十条），也可以自收到本答复书之日起6个月内向{first_court}提起行政诉讼"
        "（《中华人民共和国行政诉讼法》第四十六条）。"
    )
    first_review = (
        f"应当先自收到本答复书之日起60日内向{body}申请行政复议（《中华人民共和国行政复议法》"
        "第二十条、第二十三条第一款第四项）；对行政复议决定不服的，可以自收到行政复议决定书"
        "之日起15日内依法向人民法院提起行政诉讼（《中华人民共和国行政诉讼法》第四十五条）。"
    )
    if reply_type in REFUSALS:
        return f"如对本答复不服，{first_review}"
    if reply_type == ReplyType.PARTIAL:
        return f"如对本答复中不予公开的部分不服，{first_review}对本答复的其他内容不服的，{choice}"
    return f"如对本答复不服，{choice}"
