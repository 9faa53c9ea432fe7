"""Demo indicators: a small plan of our own with four targets, self-reported figures of two
counties with evidence, the 2026 assessment and the 2025 report's dates. Idempotent; needs the
core demo's accounts (``fazhi demo``); does not read ../shared."""

from __future__ import annotations

from fazhi.core.models import Organisation, OrgGroup, User
from fazhi.indicators import services
from fazhi.indicators.models import AssessmentScheme, Indicator, IndicatorValue, Rule
from fazhi.plans import services as plan_services
from fazhi.plans.models import Plan

TITLE = "抚州市法治政府建设重点工作指标(2024-2026年)"
PLAN_TEXT = (
    f"{TITLE}\n"
    "一、推进严格规范公正文明执法\n"
    "1.深化“双随机、一公开”监管,实现“双随机”监管事项覆盖率100%。"
    "(牵头单位:市市场监管局;责任单位:各县(区)政府)\n"
    "二、依法有效化解社会矛盾纠纷\n"
    "2.加强行政应诉工作,行政机关负责人出庭应诉率达95%以上。"
    "(牵头单位:市司法局;责任单位:各县(区)政府)\n"
    "三、科学有效制约监督行政权力\n"
    "3.推进政务公开,对符合法定条件要求的依申请公开政府信息的答复率达100%。"
    "(牵头单位:市政府办公室;责任单位:市司法局、各县(区)政府)\n"
    "四、全面提高法治思维和依法行政能力\n"
    "4.每年举办2期政府领导班子法治专题讲座。(牵头单位:市司法局;责任单位:各县(区)政府)\n"
)
PDF = b"%PDF-1.4\n% demo evidence\n"
# (username, year, metric word, value or (numerator, denominator), note)
REPORTS: tuple[tuple[str, int, str, object, str], ...] = (
    ("lc", 2025, "出庭应诉率", ("19", "20"), "全年应出庭20件，负责人出庭19件"),
    ("nc", 2025, "出庭应诉率", ("15", "17"), "全年应出庭17件，负责人出庭15件"),
    ("lc", 2025, "讲座", "2", "4月、10月各举办一期"),
    ("nc", 2025, "讲座", "1", "仅举办一期"),
    ("lc", 2026, "出庭应诉率", ("11", "11"), "截至11月，应出庭11件全部出庭"),
    ("lc", 2026, "覆盖率", "100", "监管事项全部纳入随机抽查"),
)


def _plan(supervisor: User) -> Plan:
    found: Plan | None = Plan.objects.filter(title=TITLE).first()
    if found is not None:
        return found
    draft = plan_services.plan_draft_create(
        actor=supervisor, name="重点工作指标.txt", data=PLAN_TEXT.encode()
    )
    for name, entry in draft.data["units"].items():
        if not entry["match"]:
            plan_services.plan_draft_choose_unit(
                actor=supervisor, draft_id=draft.pk, name=name, choice="ignore"
            )
    return plan_services.plan_import_confirm(actor=supervisor, draft_id=draft.pk)


def load_demo_indicators() -> str:
    """Create what is missing; returns a one-line summary."""
    supervisor = User.objects.filter(username="dcy").select_related("unit").first()
    if supervisor is None:
        return "未找到演示账号 dcy：请先运行 fazhi demo --no-serve"
    plan = _plan(supervisor)
    synced = services.indicators_sync()
    changed = services.indicators_recompute()
    reported = 0
    for username, year, word, figure, note in REPORTS:
        clerk = User.objects.filter(username=username).select_related("unit").first()
        indicator = Indicator.objects.filter(plan=plan, name__contains=word).first()
        if clerk is None or clerk.unit is None or indicator is None:
            continue
        if IndicatorValue.objects.filter(indicator=indicator, year=year, unit=clerk.unit).exists():
            continue
        numbers = (
            {"numerator": figure[0], "denominator": figure[1]}
            if isinstance(figure, tuple)
            else {"value": figure}
        )
        services.indicator_value_report(
            actor=clerk,
            indicator_id=indicator.pk,
            unit=clerk.unit,
            year=year,
            note=note,
            files=[services.Upload(f"{indicator.name[:12]}佐证.pdf", PDF)],
            **numbers,
        )
        reported += 1
    if not AssessmentScheme.objects.filter(year=2026).exists():
        group = OrgGroup.objects.filter(name="各县(区)政府").first()
        units: list[Organisation] = list(group.members.all()) if group else []
        scheme = services.scheme_create(
            actor=supervisor, year=2026, title="2026年度法治政府建设考核评价方案", units=units
        )
        for word, name, points, rule in (
            ("出庭应诉率", "行政机关负责人出庭应诉", "20", Rule.PROPORTIONAL),
            ("答复率", "依申请公开答复", "20", Rule.MET_FULL),
            ("讲座", "领导班子法治专题讲座", "10", Rule.MET_FULL),
        ):
            indicator = Indicator.objects.filter(plan=plan, name__contains=word).first()
            services.scheme_item_add(
                actor=supervisor,
                scheme_id=scheme.pk,
                name=name,
                points=points,
                rule=rule,
                indicator_id=indicator.pk if indicator else None,
            )
        services.scheme_item_add(
            actor=supervisor,
            scheme_id=scheme.pk,
            name="法治督察问题整改",
            points="50",
            rule=Rule.ASSESSOR,
        )
    services.annual_report_ensure(actor=supervisor, plan=plan, year=2025)
    return (
        f"指标演示数据：方案《{plan.title}》，补建指标 {synced} 项，重新计算 {changed} 项，"
        f"新填报 {reported} 项"
    )
