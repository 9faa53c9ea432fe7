"""How the calendar's and the deadline rules' audit actions read (fazhi.core.audit_labels)."""

from __future__ import annotations

from fazhi.core import audit_labels

ACTIONS = {
    "calendar.seeded": "初始化工作日历", "calendar.imported": "导入节假日安排",
    "calendar.import_refused": "节假日安排导入被拒绝", "calendar.day_set": "设置日历日",
    "calendar.day_cleared": "恢复日历日默认", "deadline_rule.seeded": "初始化期限规则",
    "deadline_rule.saved": "保存期限规则", "deadline_rule.deleted": "删除期限规则",
}  # fmt: skip

FIELDS = {"recomputed": "重新计算到期日的事项", "deleted": "删除数量", "updated": "更新数量"}


def register() -> None:
    audit_labels.register(actions=ACTIONS, fields=FIELDS)
