"""How the plans module's audit actions and fields read (fazhi.core.audit_labels)."""

from __future__ import annotations

from fazhi.core import audit_labels

ACTIONS = {
    "plan.import": "确认导入实施方案", "plan.set_reporting": "设置进展报送周期",
    "plan_draft.create": "上传方案文件", "plan_draft.discard": "放弃导入方案",
    "plan_draft.set_title": "修改方案标题（导入预览）",
    "plan_draft.set_measure_title": "修改措施标题（导入预览）",
    "plan_draft.update_task": "修改任务（导入预览）", "plan_draft.split_task": "拆分任务（导入预览）",
    "plan_draft.merge_task": "合并任务（导入预览）",
    "plan_draft.choose_unit": "确认单位匹配（导入预览）", "task.assign": "调整任务分工",
    "progress_report.submit": "填报任务进展",
    "progress_report.refused": "填报任务进展被拒绝", "consolidation.refused": "报送汇总进展被拒绝", "progress_report.return": "退回单位进展",
    "consolidation.submit": "报送汇总进展", "consolidation.accept": "审核通过汇总进展",
    "consolidation.return": "退回汇总进展", "supervision.issue": "下发督办单",
    "supervision.reply": "回复督办单",
    "supervision.close": "办结督办", "supervision.reissue": "再督办", "supervision.recompute_due": "重新计算督办期限",
    "plans.reminders": "发送临期提醒", "ledger_import.prepare": "上传回填的任务分工台账",
    "ledger_import.confirm": "确认导入回填台账", "ledger_import.discard": "放弃导入回填台账",
}  # fmt: skip

FIELDS = {
    "chapters": "章数", "measures": "措施数", "tasks": "任务数", "targets": "指标数",
    "warnings": "提示数", "choice": "匹配结果", "measure": "措施", "merged": "合并的任务",
    "parts": "拆分为", "before": "修改前", "after": "修改后", "lead": "牵头单位",
    "responsible": "责任单位", "completed_on": "完成日期", "sent": "发送数量",
    "applied": "导入的行数", "carried": "沿用的佐证材料", "removed": "移除的佐证材料",
    "frequency": "报送周期", "workdays": "报送时限（工作日）", "requirement": "督办要求",
    "reply_workdays": "回复时限（工作日）", "follows": "再督办自", "outcome": "办理结果",
    "reply_due_on": "回复期限",
}  # fmt: skip


def register() -> None:
    audit_labels.register(actions=ACTIONS, fields=FIELDS)
