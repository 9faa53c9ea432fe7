"""Demo data: 抚州市, its counties and zones, the units named in the seed plan, demo accounts."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from fazhi.core import services
from fazhi.core.models import Division, DivisionLevel, Organisation, OrgKind, User

DEMO_PASSWORD = "Fazhi@2026"  # noqa: S105  (printed for the demo; demo only)

CITY = ("361000", "抚州市")
COUNTIES = (
    ("361002", "临川区"), ("361003", "东乡区"), ("361021", "南城县"), ("361022", "黎川县"),
    ("361023", "南丰县"), ("361024", "崇仁县"), ("361025", "乐安县"), ("361026", "宜黄县"),
    ("361027", "金溪县"), ("361028", "资溪县"), ("361030", "广昌县"),
)  # fmt: skip
# Functional zones are not official divisions; internal codes follow the province's
# e-procurement convention (legal-rules §10.4), mapped to the division they sit in.
ZONES = (
    ("361091", "抚州高新技术产业开发区", "361002", "抚州高新技术产业开发区管理委员会", "抚州高新区管委会"),
    ("361092", "东临新区", "361003", "抚州市东临新区管理委员会", "东临新区管委会"),
)  # fmt: skip

# (full name, short name, aliases, kind, parent short name or None, enforcement body)
CITY_UNITS: tuple[tuple[str, str, tuple[str, ...], str, str | None, bool], ...] = (
    ("中共抚州市委员会", "市委", (), OrgKind.PARTY, None, False),
    ("抚州市人民政府", "市政府", (), OrgKind.GOVERNMENT, None, False),
    ("中共抚州市纪律检查委员会、抚州市监察委员会", "市纪委市监委", ("市纪委", "市监委"), OrgKind.PARTY, None, False),
    ("中共抚州市委机构编制委员会办公室", "市委编办", (), OrgKind.PARTY, "市委", False),
    ("中共抚州市委组织部", "市委组织部", (), OrgKind.PARTY, "市委", False),
    ("中共抚州市委宣传部", "市委宣传部", (), OrgKind.PARTY, "市委", False),
    ("中共抚州市委政法委员会", "市委政法委", (), OrgKind.PARTY, "市委", False),
    ("中共抚州市委党校", "市委党校", (), OrgKind.PARTY, "市委", False),
    ("中共抚州市委全面依法治市委员会办公室", "市委依法治市办", ("依法治市办",), OrgKind.PARTY, "市委", False),
    ("抚州市人民政府办公室", "市政府办公室", ("市政府办",), OrgKind.DEPARTMENT, "市政府", False),
    ("抚州市司法局", "市司法局", (), OrgKind.DEPARTMENT, "市政府", True),
    ("抚州市发展和改革委员会", "市发改委", (), OrgKind.DEPARTMENT, "市政府", True),
    ("抚州市商务局", "市商务局", (), OrgKind.DEPARTMENT, "市政府", True),
    ("抚州市市场监督管理局", "市市场监管局", (), OrgKind.DEPARTMENT, "市政府", True),
    ("抚州市政务服务管理局", "市政务服务局", ("市政务服务管理局",), OrgKind.DEPARTMENT, "市政府", False),
    ("抚州市大数据发展管理局", "市大数据局", (), OrgKind.DEPARTMENT, "市政府", False),
    ("抚州市审计局", "市审计局", (), OrgKind.DEPARTMENT, "市政府", True),
    ("抚州市城市管理局", "市城市管理局", ("市城管局",), OrgKind.DEPARTMENT, "市政府", True),
    ("抚州市生态环境局", "市生态环境局", (), OrgKind.DEPARTMENT, "市政府", True),
    ("抚州市文化广电新闻出版旅游局", "市文广新旅局", (), OrgKind.DEPARTMENT, "市政府", True),
    ("抚州市交通运输局", "市交通运输局", (), OrgKind.DEPARTMENT, "市政府", True),
    ("抚州市农业农村局", "市农业农村局", (), OrgKind.DEPARTMENT, "市政府", True),
    ("抚州市应急管理局", "市应急管理局", (), OrgKind.DEPARTMENT, "市政府", True),
    ("抚州市公安局", "市公安局", (), OrgKind.DEPARTMENT, "市政府", True),
    ("抚州市卫生健康委员会", "市卫健委", (), OrgKind.DEPARTMENT, "市政府", True),
    ("抚州市人力资源和社会保障局", "市人社局", (), OrgKind.DEPARTMENT, "市政府", True),
    ("抚州市信访局", "市信访局", (), OrgKind.DEPARTMENT, "市政府", False),
    ("抚州市中级人民法院", "市法院", ("市中院",), OrgKind.JUDICIAL, None, False),
    ("抚州市人民检察院", "市检察院", (), OrgKind.JUDICIAL, None, False),
)  # fmt: skip


@dataclass(frozen=True)
class DemoAccount:
    username: str
    name: str
    unit: str
    roles: tuple[str, ...]
    note: str


DEMO_ACCOUNTS = (
    DemoAccount("admin", "系统管理员", "市司法局", ("sysadmin",), "系统管理员，可进入后台"),
    DemoAccount("dcy", "王督查", "市委依法治市办", ("supervisor",), "依法治市办督查员，看全市"),
    DemoAccount("sfj", "李司法", "市司法局", ("unit_admin", "clerk"), "市司法局单位管理员兼经办人"),
    DemoAccount("sfjkz", "周科长", "市司法局", ("section_head",), "市司法局科室负责人（审核）"),
    DemoAccount("sfjjz", "吴局长", "市司法局", ("unit_head",), "市司法局机关负责人（签发）"),
    DemoAccount("lc", "张临川", "临川区人民政府", ("clerk",), "临川区经办人"),
    DemoAccount(
        "lckz", "孙科长", "临川区人民政府", ("section_head",), "临川区政府办科室负责人（审核）"
    ),
    DemoAccount(
        "lcqz", "郑副区长", "临川区人民政府", ("unit_head",), "临川区政府机关负责人（签发）"
    ),
    DemoAccount("lcsf", "陈律审", "临川区司法局", ("legal_reviewer", "clerk"), "临川区法制审核员"),
    DemoAccount("nc", "刘南城", "南城县人民政府", ("clerk",), "南城县经办人"),
    DemoAccount(
        "nckz", "钱科长", "南城县人民政府", ("section_head",), "南城县政府办科室负责人（审核）"
    ),
    DemoAccount(
        "ncxz", "冯副县长", "南城县人民政府", ("unit_head",), "南城县政府机关负责人（签发）"
    ),
)


def load_divisions() -> None:
    services.division_upsert(
        actor=None, code="360000", name="江西省", level=DivisionLevel.PROVINCE, parent_code=None
    )
    services.division_upsert(
        actor=None, code=CITY[0], name=CITY[1], level=DivisionLevel.CITY, parent_code="360000"
    )
    for code, name in COUNTIES:
        services.division_upsert(
            actor=None, code=code, name=name, level=DivisionLevel.COUNTY, parent_code=CITY[0]
        )
    for code, name, legal, _, _ in ZONES:
        services.division_upsert(
            actor=None, code=code, name=name, level=DivisionLevel.ZONE, parent_code=CITY[0],
            is_zone=True, legal_division_code=legal,
        )  # fmt: skip


def _org(name: str) -> Organisation | None:
    return Organisation.objects.filter(name=name).first()


@transaction.atomic
def load_demo() -> list[DemoAccount]:
    """Load the demo; idempotent (what exists is left as it is)."""
    load_divisions()
    city = Division.objects.get(code=CITY[0])
    by_short: dict[str, Organisation] = {}
    for order, (name, short, aliases, kind, parent, enforcement) in enumerate(CITY_UNITS):
        org = _org(name) or services.organisation_create(
            actor=None, name=name, short_name=short, aliases=list(aliases), kind=kind,
            division=city, parent=by_short[parent] if parent else None,
            is_enforcement_body=enforcement, sort_order=order,
        )  # fmt: skip
        by_short[short] = org
    for order, (code, county) in enumerate(COUNTIES, start=100):
        division = Division.objects.get(code=code)
        gov_name = f"{county}人民政府"
        gov = _org(gov_name) or services.organisation_create(
            actor=None, name=gov_name, short_name=f"{county}政府", kind=OrgKind.GOVERNMENT,
            division=division, sort_order=order,
        )  # fmt: skip
        by_short[gov_name] = gov
        justice = f"{county}司法局"
        by_short[justice] = _org(justice) or services.organisation_create(
            actor=None, name=justice, kind=OrgKind.DEPARTMENT, division=division, parent=gov,
            is_enforcement_body=True, sort_order=order,
        )  # fmt: skip
    for order, (code, _, _, committee, short) in enumerate(ZONES, start=200):
        by_short[committee] = _org(committee) or services.organisation_create(
            actor=None, name=committee, short_name=short, kind=OrgKind.ZONE_COMMITTEE,
            division=Division.objects.get(code=code), sort_order=order,
        )  # fmt: skip
    counties = [by_short[f"{county}人民政府"] for _, county in COUNTIES]
    zones = [by_short[committee] for _, _, _, committee, _ in ZONES]
    city_departments = [
        by_short[short]
        for _, short, _, kind, parent, _ in CITY_UNITS
        if kind == OrgKind.DEPARTMENT and parent == "市政府"
    ]
    services.org_group_set(
        actor=None, name="各县(区)政府", members=counties + zones,
        aliases=["各县（区）政府", "各县(区)人民政府", "各县（区）人民政府", "各县(区)", "各县（区）",
                 "各县区", "各县（市、区）人民政府"],
        description="11 个县（区）人民政府及抚州高新区、东临新区管委会",
    )  # fmt: skip
    services.org_group_set(
        actor=None, name="市直有关部门", members=city_departments,
        aliases=["市直有关单位", "市直各单位", "市直各部门"],
        description="市政府工作部门；具体任务中由牵头单位确定",
    )  # fmt: skip
    services.org_group_set(
        actor=None, name="市政府各部门", members=city_departments, aliases=["市政府有关部门"]
    )
    for account in DEMO_ACCOUNTS:
        if User.objects.filter(username=account.username).exists():
            continue
        services.user_create(
            actor=None, username=account.username, name=account.name,
            unit=by_short[account.unit], password=DEMO_PASSWORD, roles=account.roles,
            is_staff="sysadmin" in account.roles, is_superuser="sysadmin" in account.roles,
        )  # fmt: skip
    return list(DEMO_ACCOUNTS)
