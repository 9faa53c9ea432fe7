"""How the laws module's audit actions and fields read (fazhi.core.audit_labels)."""

from __future__ import annotations

from fazhi.core import audit_labels

ACTIONS = {
    "laws.import": "导入法规文本", "laws.version_created": "新增法规版本",
    "laws.version_updated": "更新法规版本", "laws.normative_create": "新建规范性文件",
    "laws.normative_register": "规范性文件统一登记", "laws.normative_publish": "公布规范性文件",
    "laws.normative_revise": "修订规范性文件", "laws.normative_file": "规范性文件备案",
    "laws.normative_expire": "规范性文件有效期届满失效", "laws.cleanup_create": "发起规范性文件清理",
    "laws.cleanup_decide": "作出清理结论", "laws.cleanup_close": "结束规范性文件清理",
    "laws.filing_due_recomputed": "重新计算备案期限",
}  # fmt: skip

FIELDS = {
    "files": "文件数", "reindexed": "补建索引数", "unchanged": "未变化数", "updated": "更新数",
    "round": "清理批次", "outcome": "清理结论", "version_date": "版本日期",
    "closed_on": "结束日期", "repaired": "补建索引数",
}  # fmt: skip


def register() -> None:
    audit_labels.register(actions=ACTIONS, fields=FIELDS)
