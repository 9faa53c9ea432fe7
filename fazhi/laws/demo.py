"""Demo laws: short excerpts of three national texts shipped with the app, and (when the
core demo's units exist) one published normative document of the city. Idempotent."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.db import transaction

from fazhi.core.models import Organisation
from fazhi.laws import services
from fazhi.laws.models import Kind, NormativeDocument, Source
from fazhi.laws.parsing import parse_markdown, split_file_stem

DEMO_DIR = Path(__file__).resolve().parent / "data" / "demo"
DEMO_LAWS = {
    "行政复议法": (Kind.LAW, "全国人民代表大会常务委员会"),
    "政府信息公开条例": (Kind.ADMIN_REGULATION, "国务院"),
    "行政处罚法": (Kind.LAW, "全国人民代表大会常务委员会"),
}
DEMO_NORMATIVE_TITLE = "抚州市行政规范性文件管理办法（演示）"
DEMO_NORMATIVE_TEXT = """## 第一章 总则

第一条 为了加强本市行政规范性文件管理，推进依法行政，根据有关法律、法规和规章，结合本市实际，制定本办法。

第二条 本办法所称行政规范性文件，是指除政府规章外，行政机关依照法定权限、程序制定并公开发布，涉及公民、法人和其他组织权利义务，具有普遍约束力，在一定期限内反复适用的公文。

## 第二章 登记与公布

第三条 行政规范性文件实行统一登记、统一编号、统一印发制度。未经统一登记编号的，不得印发。

第四条 行政规范性文件应当自公布之日起三十日内报送上一级人民政府备案。

第五条 行政规范性文件有效期一般不超过五年；名称冠以“暂行”“试行”的，有效期一般不超过二年。

## 第三章 附则

第六条 本办法自公布之日起施行。
"""


@transaction.atomic
def load_demo_laws() -> list[str]:
    """Load the demo texts (and the demo normative document if its unit exists); returns
    the titles loaded. Running it again changes nothing."""
    loaded: list[str] = []
    for path in sorted(DEMO_DIR.glob("*.md")):
        short, version_date = split_file_stem(path.stem)
        if short not in DEMO_LAWS or version_date is None:
            continue
        kind, body = DEMO_LAWS[short]
        markdown = path.read_text(encoding="utf-8")
        title = parse_markdown(markdown).title
        services.law_text_store(
            actor=None, title=title, kind=kind, markdown=markdown, version_date=version_date,
            source=Source.DEMO, source_key=f"demo/{short}", issuing_body=body,
        )  # fmt: skip
        loaded.append(title)
    unit = Organisation.objects.filter(name="抚州市司法局").first()
    if (
        unit is not None
        and not NormativeDocument.objects.filter(title=DEMO_NORMATIVE_TITLE).exists()
    ):
        doc = services.normative_create(
            actor=None, title=DEMO_NORMATIVE_TITLE, issuing_body="抚州市人民政府",
            text=DEMO_NORMATIVE_TEXT, doc_number="抚府发〔2026〕1号", owner_unit=unit,
        )  # fmt: skip
        services.normative_register(actor=None, document=doc, on=date(2026, 1, 5))
        services.normative_publish(actor=None, document=doc, published_on=date(2026, 1, 10))
        loaded.append(DEMO_NORMATIVE_TITLE)
    return loaded
