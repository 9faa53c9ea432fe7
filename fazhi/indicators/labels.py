"""How the indicators module's audit actions and fields read (fazhi.core.audit_labels)."""

from __future__ import annotations

from fazhi.core import audit_labels

ACTIONS = {
    "indicator.create": "新增指标", "indicator_value.compute": "计算指标值",
    "indicator_value.report": "填报指标值", "indicator_value.revise": "修正指标值",
    "indicator_value.refused": "指标值填报被拒绝",
    "indicator_year.close": "关闭年度指标数据", "publication.publish": "公开指标佐证",
    "evidence.add": "上传佐证材料", "assessment_scheme.create": "新建考核方案",
    "assessment_scheme.units": "设置参评单位", "assessment_item.add": "新增考核项",
    "assessment_item.remove": "删除考核项", "assessment_score.set": "考核评分",
    "assessment_deduction.add": "考核扣分", "annual_report.track": "登记年度报告",
    "annual_report.mark": "记录年度报告报送或公开",
}  # fmt: skip

FIELDS = {"years": "年度", "files": "佐证材料", "values": "年度数值", "numerator": "分子",
          "denominator": "分母", "statement": "说明"}  # fmt: skip


def register() -> None:
    audit_labels.register(actions=ACTIONS, fields=FIELDS)
