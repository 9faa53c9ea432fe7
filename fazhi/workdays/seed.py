"""Seed data: the calendar from chinese-calendar, fallback years, and the statutory deadline rules.

Run after every migrate (post_migrate), which also repopulates the tables after a test
flush; each step only adds what is missing, so admin edits and imports are never undone.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import chinese_calendar
from chinese_calendar import constants as cc
from django.db import transaction
from django.utils import timezone

from fazhi.core import audit
from fazhi.workdays.index import FALLBACK_SOURCE, fallback_days
from fazhi.workdays.models import (
    CalendarDay,
    CalendarStatus,
    CalendarYear,
    DeadlineRule,
    PeriodUnit,
)

CC_SOURCE = f"chinese-calendar {chinese_calendar.__version__}（国务院办公厅节假日安排通知）"
# chinese-calendar's short names, spelled as the State Council notices (and holiday-cn) do.
_NAMES = {"清明": "清明节", "端午": "端午节", "中秋": "中秋节"}

WD, DAY, MONTH, YEAR = PeriodUnit.WORKDAY, PeriodUnit.DAY, PeriodUnit.MONTH, PeriodUnit.YEAR
PENALTY = ("行政处罚法", date(2021, 7, 15))
DISCLOSURE = ("政府信息公开条例", date(2019, 5, 15))
RECONSIDERATION = ("行政复议法", date(2024, 1, 1))
LITIGATION = ("行政诉讼法", date(2017, 7, 1))
DECISION = ("重大行政决策程序暂行条例", date(2019, 9, 1))
PUBLICITY = ("企业信息公示暂行条例", date(2014, 10, 1))
COERCION = ("行政强制法", date(2012, 1, 1))

# (law, code, name, amount, unit, clock start, pause events, extension, approver, article, note)
# — the rules tagged ✅ in legal-rules.md §0 and §12. Rules counted backwards from a
# hearing (通知听证 7/5 个工作日前) are not periods from an event and are not seeded here.
RULES: list[tuple[Any, ...]] = [
    (PENALTY, "penalty.hearing_request", "当事人要求听证", 5, WD, "行政机关告知当事人听证权利", "", 0, "", "第六十四条、第八十五条", "告知后五日内提出；“五日”为工作日"),
    (PENALTY, "penalty.evidence_preservation", "先行登记保存后作出处理决定", 7, WD, "先行登记保存", "", 0, "", "第五十六条、第八十五条", ""),
    (PENALTY, "penalty.decision", "作出行政处罚决定", 90, DAY, "立案", "", 0, "", "第六十条", "法律、法规、规章另有规定的，从其规定"),
    (PENALTY, "penalty.service", "当事人不在场时送达处罚决定书", 7, WD, "作出行政处罚决定", "", 0, "", "第六十一条、第八十五条", "依照民事诉讼法的有关规定送达"),
    (PENALTY, "penalty.publication_withdraw", "撤回已公开的处罚决定信息", 3, WD, "处罚决定被变更、撤销、确认违法或者确认无效", "", 0, "", "第四十八条、第八十五条", "同时公开说明理由"),
    (PENALTY, "penalty.fine_payment", "缴纳罚款", 15, DAY, "收到行政处罚决定书", "", 0, "", "第六十七条", ""),
    (PENALTY, "penalty.limitation", "行政处罚时效", 2, YEAR, "违法行为发生（连续或者继续状态的，自行为终了）", "", 0, "", "第三十六条", "法律另有规定的除外"),
    (PENALTY, "penalty.limitation_serious", "行政处罚时效（涉及公民生命健康安全、金融安全且有危害后果）", 5, YEAR, "违法行为发生（连续或者继续状态的，自行为终了）", "", 0, "", "第三十六条", ""),
    (DISCLOSURE, "disclosure.proactive", "主动公开政府信息", 20, WD, "政府信息形成或者变更", "", 0, "", "第二十六条", "法律、法规对期限另有规定的，从其规定"),
    (DISCLOSURE, "disclosure.correction_notice", "一次性告知补正申请", 7, WD, "收到申请", "", 0, "", "第三十条", "补正后答复期限自收到补正的申请之日起计算"),
    (DISCLOSURE, "disclosure.reply", "依申请公开答复", 20, WD, "收到申请（第三十一条确定的收到申请之日）", "征求第三方和其他机关意见所需时间（第三十二条、第三十四条）", 20, "政府信息公开工作机构负责人", "第三十三条", "延长答复期限的，应当告知申请人"),
    (DISCLOSURE, "disclosure.third_party", "第三方提出意见", 15, WD, "第三方收到征求意见书", "", 0, "", "第三十二条", "逾期未提出意见的，由行政机关依照条例规定决定是否公开"),
    (DISCLOSURE, "disclosure.joint_consult", "其他机关提出意见", 15, WD, "被征求意见机关收到征求意见", "", 0, "", "第三十四条", "逾期未提出意见的视为同意公开"),
    (RECONSIDERATION, "reconsideration.application", "申请行政复议", 60, DAY, "知道或者应当知道行政行为", "不可抗力或者其他正当理由耽误的期间", 0, "", "第二十条", "法律规定的申请期限超过六十日的除外"),
    (RECONSIDERATION, "reconsideration.application_max", "申请行政复议（未告知复议权利的最长期限）", 1, YEAR, "知道或者应当知道行政行为内容", "", 0, "", "第二十条", ""),
    (RECONSIDERATION, "reconsideration.acceptance_review", "行政复议受理审查", 5, WD, "收到行政复议申请", "", 0, "", "第三十条、第八十八条", "期限届满未作出不予受理决定的，视为受理"),
    (RECONSIDERATION, "reconsideration.correction_notice", "行政复议补正通知", 5, WD, "收到行政复议申请", "", 0, "", "第三十一条、第八十八条", ""),
    (RECONSIDERATION, "reconsideration.correction_supply", "申请人提交补正材料", 10, WD, "收到补正通知", "", 0, "", "第三十一条、第八十八条", "有正当理由不能按期补正的，行政复议机构可以延长合理的补正期限"),
    (RECONSIDERATION, "reconsideration.copy_to_respondent", "发送申请书副本（普通程序）", 7, WD, "受理行政复议申请", "", 0, "", "第四十八条", ""),
    (RECONSIDERATION, "reconsideration.respondent_reply", "被申请人书面答复并提交证据（普通程序）", 10, WD, "收到申请书副本或者申请笔录复印件", "", 0, "", "第四十八条", ""),
    (RECONSIDERATION, "reconsideration.simple_copy", "发送申请书副本（简易程序）", 3, WD, "受理行政复议申请", "", 0, "", "第五十四条", ""),
    (RECONSIDERATION, "reconsideration.simple_reply", "被申请人书面答复并提交证据（简易程序）", 5, WD, "收到申请书副本或者申请笔录复印件", "", 0, "", "第五十四条", ""),
    (RECONSIDERATION, "reconsideration.decision", "作出行政复议决定（普通程序）", 60, DAY, "受理申请", "行政复议中止（第三十九条）", 30, "行政复议机构的负责人", "第六十二条", "法律规定的行政复议期限少于六十日的除外；延长应书面告知当事人"),
    (RECONSIDERATION, "reconsideration.simple_decision", "作出行政复议决定（简易程序）", 30, DAY, "受理申请", "行政复议中止（第三十九条）", 0, "", "第六十二条", ""),
    (RECONSIDERATION, "reconsideration.opinion_followup", "报送行政复议意见书整改情况", 60, DAY, "收到行政复议意见书", "", 0, "", "第七十六条", ""),
    (LITIGATION, "litigation.filing", "直接提起行政诉讼", 6, MONTH, "知道或者应当知道作出行政行为", "", 0, "", "第四十六条", "法律另有规定的除外"),
    (LITIGATION, "litigation.filing_after_reconsideration", "复议后提起行政诉讼", 15, DAY, "收到复议决定书（或复议期满）", "", 0, "", "第四十五条", ""),
    (LITIGATION, "litigation.defence", "被告提交答辩状和证据", 15, DAY, "收到起诉状副本", "", 0, "", "第六十七条", ""),
    (DECISION, "decision.public_comment", "决策草案公开征求意见（一般不少于）", 30, DAY, "公布决策草案", "", 0, "", "第十五条", "因情况紧急等原因需要缩短期限的，公开征求意见时应当予以说明"),
    (DECISION, "decision.legality_review", "合法性审查时间（一般不少于）", 7, WD, "送请合法性审查", "", 0, "", "第二十六条", ""),
    (PUBLICITY, "publicity.enforcement_info", "公示行政处罚等政府部门产生的企业信息", 20, WD, "信息形成", "", 0, "", "第六条", "2014 年文本；该条例 2024 年修订后的条文待核对"),
    (COERCION, "coercion.seizure", "查封、扣押期限", 30, DAY, "作出查封、扣押决定", "检测、检验、检疫或者技术鉴定的期间", 30, "行政机关负责人", "第二十五条", "法律、行政法规另有规定的除外"),
]  # fmt: skip


def _cc_name(english: str) -> str:
    chinese = str(cc.Holiday(english).chinese)
    return _NAMES.get(chinese, chinese)


def seed_calendar() -> int:
    """Years chinese-calendar knows become official; later years up to next year, fallback."""
    with transaction.atomic():
        known = set(CalendarYear.objects.values_list("year", flat=True))
        days: dict[int, list[CalendarDay]] = {}
        for day, english in cc.holidays.items():
            row = CalendarDay(date=day, is_workday=False, name=_cc_name(english), source=CC_SOURCE)
            days.setdefault(day.year, []).append(row)
        for day, english in cc.workdays.items():
            row = CalendarDay(date=day, is_workday=True, name=_cc_name(english), source=CC_SOURCE)
            days.setdefault(day.year, []).append(row)
        now = timezone.now()
        created: list[int] = []
        for year in sorted(days):
            if year in known:
                continue
            CalendarDay.objects.filter(date__year=year).delete()
            CalendarDay.objects.bulk_create(days[year])
            CalendarYear.objects.create(
                year=year, status=CalendarStatus.OFFICIAL, source=CC_SOURCE, imported_at=now
            )
            created.append(year)
        last_known = max(days)
        for year in range(last_known + 1, max(last_known, timezone.localdate().year) + 2):
            if year in known:
                continue
            calendar_store_fallback(year)
            created.append(year)
        if created:
            from fazhi.workdays.services import bump_calendar_version

            bump_calendar_version()
            audit.record(
                action="calendar.seeded",
                object_type="workdays.calendaryear",
                object_repr=f"{min(created)}–{max(created)}",
                after={"years": created, "source": CC_SOURCE},
                actor_name="系统",
            )
    return len(created)


def calendar_store_fallback(year: int) -> None:
    """Store a provisional year: the statutory solar-date holidays, weekends by rule."""
    CalendarDay.objects.filter(date__year=year).delete()
    CalendarDay.objects.bulk_create(
        CalendarDay(date=day, is_workday=False, name=name, source=FALLBACK_SOURCE)
        for day, name in fallback_days(year)
    )
    CalendarYear.objects.update_or_create(
        year=year,
        defaults={"status": CalendarStatus.FALLBACK, "source": FALLBACK_SOURCE, "papers": []},
    )


def seed_rules() -> int:
    """Create the statutory rules whose code has no version yet."""
    with transaction.atomic():
        existing = set(DeadlineRule.objects.values_list("code", flat=True))
        rows = []
        for law, code, name, amount, unit, start, pauses, ext, approver, article, note in RULES:
            if code in existing:
                continue
            rows.append(
                DeadlineRule(
                    code=code,
                    name=name,
                    amount=amount,
                    unit=unit,
                    clock_start=start,
                    pause_events=pauses,
                    extension_amount=ext,
                    extension_approver=approver,
                    law=law[0],
                    article=article,
                    note=note,
                    valid_from=law[1],
                )
            )
        DeadlineRule.objects.bulk_create(rows)
        if rows:
            audit.record(
                action="deadline_rule.seeded",
                object_type="workdays.deadlinerule",
                object_repr=f"{len(rows)} 条期限规则",
                after={"codes": [r.code for r in rows]},
                actor_name="系统",
            )
    return len(rows)
