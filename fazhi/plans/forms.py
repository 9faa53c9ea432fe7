"""The shape of what the ledger's pages post. The pages draw their own inputs (tables of
tasks, one form per row); these forms check the shape once (control characters, ids,
numbers, lengths) and the services decide the meaning (which states, units and periods
exist, who may act)."""

from __future__ import annotations

from typing import Any

from django import forms

from fazhi.core.forms import Form, IdField, IdListField

TEXT_LIMIT = 20_000  # far above every service limit: the service names the real one


def _text(label: str, **kwargs: Any) -> forms.CharField:
    kwargs.setdefault("max_length", TEXT_LIMIT)
    return forms.CharField(label=label, required=False, **kwargs)


def _code(label: str) -> forms.CharField:
    return forms.CharField(label=label, required=False, max_length=64)


class TitleForm(Form):
    title = _text("标题", max_length=1000)


class DraftTaskForm(Form):
    action = forms.ChoiceField(
        label="操作",
        required=False,
        choices=[("save", "保存"), ("split", "拆分"), ("merge", "合并")],
    )
    text = _text("任务内容", strip=False)
    lead_units = _text("牵头单位", max_length=2000)
    responsible_units = _text("责任单位", max_length=5000)
    deadline = _text("完成时限", max_length=200)


class DraftUnitsForm(Form):
    """One choice per unit name of the draft (``unit:<name>``)."""

    def __init__(self, *args: Any, names: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in names:
            self.fields[f"unit:{name}"] = _code(name)
        from fazhi.core.forms import guard_fields

        guard_fields(self)


class ReportingForm(Form):
    frequency = _code("报送周期")
    workdays = forms.IntegerField(label="报送时限（工作日）", required=False, min_value=0,
                                  max_value=1000)  # fmt: skip


class LedgerConfirmForm(Form):
    action = forms.ChoiceField(
        label="操作", required=False, choices=[("confirm", "确认"), ("discard", "放弃")]
    )


class PeriodForm(Form):
    period_key = _code("报送期")


class ReportForm(PeriodForm):
    text = _text("进展情况")
    self_state = _code("自评状态")
    base_id = IdField(label="所依据的报送", required=False)
    remove_evidence = IdListField(label="删除的佐证材料", required=False)


class ConsolidateForm(PeriodForm):
    text = _text("汇总进展")
    self_state = _code("自评状态")
    base_id = IdField(label="所依据的汇总", required=False)


class DecisionForm(Form):
    decision = forms.ChoiceField(
        label="审核结论", required=False, choices=[("accept", "通过"), ("return", "退回")]
    )
    comment = _text("审核意见")


class CommentForm(Form):
    comment = _text("退回意见")


class AssignForm(PeriodForm):
    lead = IdListField(label="牵头单位", required=False)
    responsible = IdListField(label="责任单位", required=False)


class SuperviseForm(PeriodForm):
    units = IdListField(label="主送单位", required=False)
    reason = _text("督办事由")
    requirement = _text("督办要求")
    reply_workdays = forms.IntegerField(label="回复时限（工作日）", required=False, min_value=0,
                                        max_value=1000)  # fmt: skip


class ReplyForm(Form):
    text = _text("回复内容")


class NoticeDecisionForm(Form):
    """办结 or 再督办 of one 主送 unit's reply."""

    unit = IdField(label="主送单位", required=False)
    decision = forms.ChoiceField(
        label="处理", required=False, choices=[("close", "办结"), ("reissue", "再督办")]
    )
    comment = _text("办结意见")
    reason = _text("督办事由")
    requirement = _text("督办要求")
    reply_workdays = forms.IntegerField(label="回复时限（工作日）", required=False, min_value=0,
                                        max_value=1000)  # fmt: skip
