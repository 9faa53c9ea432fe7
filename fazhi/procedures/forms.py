"""Forms built from an action's declared inputs, so a new procedure needs no form code, and
the forms of a case's parts on its timeline (parties, units, links, 日程)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from fazhi.core import dates
from fazhi.core.forms import EMPTY_LABEL, Form
from fazhi.core.models import Organisation
from fazhi.core.uploads import read
from fazhi.procedures.engine import Action
from fazhi.procedures.models import (
    CASE_UPLOADS,
    AppointmentKind,
    LinkKind,
    ParticipantRole,
    PartyRole,
)
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


# --- a case's parts (the timeline page; procedures.services decides meaning and who) -------


class UnechoedInput(forms.TextInput):
    """A text input that never writes back what was posted: a refused form is shown again
    without the personal data typed into it (ID number, phone)."""

    def format_value(self, value: Any) -> str | None:
        return None


def _choices(options: Any) -> list[tuple[str, str]]:
    return [("", EMPTY_LABEL), *options]


class PartyForm(Form):
    role = forms.ChoiceField(label="身份", choices=_choices(PartyRole.choices))
    name = forms.CharField(label="姓名或名称", max_length=128)
    id_number = forms.CharField(
        label="公民身份号码", required=False, max_length=32,
        widget=UnechoedInput(attrs={"autocomplete": "off"}),
        help_text="自然人填写；加密保存，页面只显示是否已登记",
    )  # fmt: skip
    phone = forms.CharField(
        label="联系电话", required=False, max_length=32,
        widget=UnechoedInput(attrs={"autocomplete": "off"}), help_text="加密保存",
    )  # fmt: skip
    address = forms.CharField(label="地址", required=False, max_length=255)


class ParticipantForm(Form):
    """A unit from another branch of the tree: every active unit but the case's own, grouped
    by division and in tree order within it."""

    unit = forms.TypedChoiceField(label="参与单位", coerce=int, empty_value=None)
    role = forms.ChoiceField(label="角色", choices=_choices(ParticipantRole.choices))

    def __init__(self, *args: Any, units: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        groups: dict[str, list[Organisation]] = {}
        for unit in units.select_related("division").order_by("division__path", "path"):
            groups.setdefault(unit.division.name, []).append(unit)
        field = self.fields["unit"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [
            ("", EMPTY_LABEL),
            *((name, _indented(found)) for name, found in groups.items()),
        ]
        field.error_messages["invalid_choice"] = "所选单位不存在或已停用，请从列表中选择"


def _indented(units: list[Organisation]) -> list[tuple[int, str]]:
    """Units in tree order, each indented under the highest of them (path "/1/5/23/")."""
    top = min(u.path.count("/") for u in units)
    return [(u.pk, "　" * (u.path.count("/") - top) + u.name) for u in units]


class LinkForm(Form):
    target = forms.CharField(
        label="关联案件", max_length=64,
        help_text="填写案号，或案件编号（办理过程页网址 /cases/ 后的数字）",
    )  # fmt: skip
    kind = forms.ChoiceField(label="关系", choices=_choices(LinkKind.choices))
    note = forms.CharField(label="说明", required=False, max_length=255)


class AppointmentForm(Form):
    kind = forms.ChoiceField(
        label="类别", choices=_choices(AppointmentKind.choices), initial=AppointmentKind.HEARING
    )
    label = forms.CharField(
        label="事项", required=False, max_length=64, help_text="不填即为类别名称"
    )
    on = forms.DateField(
        label="日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "日期格式不正确，应为 YYYY-MM-DD，如 2026-09-30"},
    )  # fmt: skip
    place = forms.CharField(label="地点", required=False, max_length=255)
    note = forms.CharField(
        label="说明", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The browser's date picker offers the range the service accepts.
        today = timezone.localdate()
        self.fields["on"].widget.attrs.update(
            min=today.isoformat(), max=dates.latest(today).isoformat()
        )
