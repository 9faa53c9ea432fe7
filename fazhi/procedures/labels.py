"""How case actions read on the audit page: ``case.<procedure>.<action>`` is named by the
declaration itself (政府信息公开申请：答复), a case's fields by its actions' inputs."""

from __future__ import annotations

from fazhi.core import audit_labels

ACTIONS = {
    "case.due_recomputed": "重新计算案件到期日", "case.number_pattern": "设置案号格式",
    "case.template_replaced": "替换文书模板", "case.template_reset": "恢复默认文书模板",
    "case.action_refused": "案件办理操作被拒绝",
    "case.approval_submitted": "拟稿送审", "case.approval_signed": "审批签发",
    "case.approval_returned": "审批退回", "case.party_added": "登记当事人",
    "case.party_removed": "删除当事人",
    "case.participant_added": "增加参与单位", "case.linked": "关联案件",
    "case.appointment_set": "登记案件日程", "case.appointment_cancelled": "取消案件日程",
    # Event codes of the sign-off steps (the timeline's, also named in refusals).
    "approval.submit": "拟稿送审", "approval.approve": "审批同意", "approval.return": "审批退回",
    "case.edit": "办理案件（当事人、关联、日程）",
}  # fmt: skip

FIELDS = {
    "action": "办理步骤", "approval": "审批编号", "for": "拟办事项", "step": "审批环节",
    "next": "下一环节", "comment": "审批意见", "role": "身份", "name": "名称",
    "unit": "单位", "kind": "类别", "target": "关联案件", "on": "日期", "place": "地点",
    "count": "件数", "cases": "案件（编号、原到期日、新到期日）", "party": "当事人编号",
    "id_number": "证件号码", "appointment": "日程编号", "cancelled": "已取消",
}  # fmt: skip


def _case_action(code: str) -> str | None:
    from fazhi.procedures import engine

    parts = code.split(".")
    if len(parts) != 3 or parts[0] != "case":
        return None
    try:
        procedure = engine.get(parts[1])
    except LookupError:
        return None
    action = procedure.action(parts[2])
    return f"{procedure.name}：{action.label}" if action else None


def _case_codes() -> list[str]:
    from fazhi.procedures import engine

    return [f"case.{p.code}.{a.code}" for p in engine.registered() for a in p.actions]


def _input_label(key: str) -> str | None:
    from fazhi.procedures import engine

    for procedure in engine.registered():
        for action in procedure.actions:
            for spec in action.inputs:
                if spec.name == key:
                    return spec.label
    return None


def _value_label(key: str, value: object) -> str | None:
    """A state code or a declared choice of a case input, by its label."""
    from fazhi.procedures import engine

    for procedure in engine.registered():
        if key in ("state", "state_before", "state_after"):
            for state in procedure.states:
                if state.code == value:
                    return state.label
            continue
        for action in procedure.actions:
            for spec in action.inputs:
                if spec.name == key and spec.choices:
                    found = dict(spec.choices).get(str(value))
                    if found is not None:
                        return found
    return None


def register() -> None:
    audit_labels.register(
        actions=ACTIONS, fields=FIELDS, family=_case_action, family_codes=_case_codes,
        field_source=("procedures.case", _input_label),
        value_source=("procedures.case", _value_label),
    )  # fmt: skip
