"""How the disclosure module's own audit actions read (its case steps are named by the
procedure declaration, fazhi.procedures.labels)."""

from __future__ import annotations

from fazhi.core import audit_labels

ACTIONS = {
    "disclosure.desk_set": "设置政府信息公开受理机构",
    "disclosure.lookup_failed": "查询办理进度失败（查询码或电话后四位不符）",
    "disclosure.lookup_refused": "查询办理进度被限制（失败次数过多）",
}  # fmt: skip

FIELDS = {
    "limit": "限制", "code_ref": "查询码摘要", "accepts_online": "接受网上申请",
    "address": "地址", "phone": "电话",
}  # fmt: skip


def register() -> None:
    audit_labels.register(actions=ACTIONS, fields=FIELDS)
