"""Forms built from an action's declared inputs, so a new procedure needs no form code."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils import timezone

from fazhi.core.forms import Form
from fazhi.core.uploads import read
from fazhi.procedures.engine import Action
from fazhi.procedures.models import CASE_UPLOADS
from fazhi.procedures.services import Upload


def action_form(action: Action, *, version: int, data: Any = None, files: Any = None) -> forms.Form:
    """The action's inputs, the date it happened on, and the case version the page showed."""
    fields: dict[str, forms.Field] = {
        "on": forms.DateField(
            label="日期",
            initial=timezone.localdate,
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            help_text="该步骤实际发生的日期（期限据此计算）",
        ),
        "version": forms.IntegerField(label="版本", widget=forms.HiddenInput, initial=version),
    }
    for spec in action.inputs:
        if not spec.on_form:
            continue
        field: forms.Field
        if spec.kind == "textarea":
            field = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
        elif spec.kind == "choice":
            field = forms.ChoiceField(choices=[("", "请选择"), *spec.choices])
        elif spec.kind == "int":
            field = forms.IntegerField(min_value=1)
        elif spec.kind == "date":
            field = forms.DateField(
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            )
        elif spec.kind == "file":
            field = forms.FileField()
        else:
            field = forms.CharField(max_length=255)
        field.label = spec.label
        field.required = spec.required
        field.help_text = spec.help
        if spec.initial:
            field.initial = spec.initial
        fields[spec.name] = field
    form_class = type(f"{action.code.title()}Form", (Form,), fields)
    form: forms.Form = form_class(data=data, files=files, prefix=action.code)
    return form


class ApprovalForm(Form):
    """同意 / 退回 on the current step of a drafted action (the buttons post ``decision``)."""

    decision = forms.ChoiceField(
        label="审批结论",
        choices=[("approve", "同意"), ("return", "退回")],
        widget=forms.HiddenInput,
    )
    comment = forms.CharField(
        label="审批意见", required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}), help_text="退回时必须写明理由",
    )  # fmt: skip
    on = forms.DateField(
        label="日期", initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )  # fmt: skip
    version = forms.IntegerField(label="版本", widget=forms.HiddenInput)
    next = forms.CharField(
        label="返回页面", required=False, max_length=500, widget=forms.HiddenInput
    )


class CollectiveForm(ApprovalForm):
    record = forms.CharField(
        label="集体讨论记录", required=False, max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}), help_text="会议时间、出席人员、讨论意见和决定",
    )  # fmt: skip
    dissent = forms.CharField(
        label="不同意见", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


def attachment_of(request: HttpRequest, field: str, input_name: str = "") -> Upload | None:
    """The file posted as ``field`` for the action input ``input_name`` (default: the same
    name), read after its size is checked (CASE_UPLOADS; its content is checked by the
    engine); None when no file was given."""
    posted = request.FILES.get(field)
    if posted is None:
        return None
    ((name, data),) = read(CASE_UPLOADS, [posted])
    return Upload(input=input_name or field, name=name, data=data)
