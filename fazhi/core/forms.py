"""Forms of the core pages; they validate shape, services validate meaning."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.core.validators import ProhibitNullCharactersValidator

from fazhi.core.models import Division, Organisation, OrgKind, Role
from fazhi.core.text import control_message

EMPTY_LABEL = "请选择"


def no_control_characters(value: Any) -> None:
    """The one rule for typed text (fazhi.core.text): no invisible control characters."""
    if isinstance(value, str) and (message := control_message(value)):
        raise forms.ValidationError(message, code="control_character")


def guard_fields(form: forms.BaseForm) -> None:
    """Give every text field of ``form`` the control-character rule (it replaces Django's
    NUL-only check, whose Chinese message is wrong) and a Chinese empty choice."""
    for field in form.fields.values():
        if isinstance(field, forms.CharField):
            field.validators = [
                v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)
            ]
            field.validators.insert(0, no_control_characters)
        if isinstance(field, forms.ModelChoiceField) and field.empty_label == "---------":
            field.empty_label = EMPTY_LABEL
        elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
            choices: list[Any] = list(field.choices)  # type: ignore[arg-type]
            if any(choice[1] == "---------" for choice in choices):
                field.choices = [
                    (value, EMPTY_LABEL if label == "---------" else label)
                    for value, label in choices
                ]


class Form(forms.Form):
    """The base of every form of the platform: typed text is checked once, here."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        guard_fields(self)


class ModelForm(forms.ModelForm):  # type: ignore[type-arg]
    """The same for model forms (the admin's included)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        guard_fields(self)


def split_names(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,，、;；\s]+", value or "") if part.strip()]


class OrganisationForm(Form):
    name = forms.CharField(label="全称", max_length=128)
    short_name = forms.CharField(label="简称", max_length=64, required=False)
    aliases = forms.CharField(label="别名", required=False, help_text="多个别名用顿号或逗号分隔")
    kind = forms.ChoiceField(label="类型", choices=OrgKind.choices)
    division = forms.ModelChoiceField(label="所在区划", queryset=Division.objects.all())
    parent = forms.ModelChoiceField(
        label="上级单位", queryset=Organisation.objects.none(), required=False
    )
    uscc = forms.CharField(label="统一社会信用代码", max_length=18, required=False)
    is_enforcement_body = forms.BooleanField(label="行政执法主体", required=False)
    is_active = forms.BooleanField(label="启用", required=False, initial=True)

    def __init__(self, *args: Any, parents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]

    def clean_aliases(self) -> list[str]:
        return split_names(self.cleaned_data.get("aliases", ""))


class UserForm(Form):
    username = forms.CharField(label="用户名", max_length=150)
    name = forms.CharField(label="姓名", max_length=32)
    unit = forms.ModelChoiceField(label="所在单位", queryset=Organisation.objects.none())
    phone = forms.CharField(label="联系电话", max_length=32, required=False)
    roles = forms.ModelMultipleChoiceField(
        label="角色", queryset=Role.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    is_active = forms.BooleanField(label="启用", required=False, initial=True)
    password = forms.CharField(
        label="初始密码", widget=forms.PasswordInput, required=False,
        help_text=password_validation.password_validators_help_text_html(),
    )  # fmt: skip

    def __init__(self, *args: Any, units: Any, roles: Any, creating: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["roles"].queryset = roles  # type: ignore[attr-defined]
        self.creating = creating
        if creating:
            self.fields["password"].required = True
        else:
            self.fields["username"].disabled = True
            del self.fields["password"]

    def clean_password(self) -> str:
        password: str = self.cleaned_data.get("password", "")
        if self.creating and password:
            password_validation.validate_password(password)
        return password


class SetPasswordForm(Form):
    password = forms.CharField(
        label="新密码", widget=forms.PasswordInput,
        help_text=password_validation.password_validators_help_text_html(),
    )  # fmt: skip

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        password_validation.validate_password(password)
        return password


class AuditFilterForm(Form):
    actor = forms.CharField(label="操作人", required=False)
    unit = forms.CharField(label="单位", required=False, help_text="单位全称或简称中的文字")
    action = forms.ChoiceField(label="操作", required=False)
    object_type = forms.ChoiceField(label="对象类型", required=False)
    object_id = forms.CharField(label="对象编号", required=False)
    date_from = forms.DateField(
        label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from django.apps import apps

        from fazhi.core import audit_labels

        action = self.fields["action"]
        assert isinstance(action, forms.ChoiceField)
        action.choices = [("", "全部操作"), *audit_labels.actions()]
        kinds = sorted(
            {
                (m._meta.label_lower, str(m._meta.verbose_name))
                for m in apps.get_models()
                if m.__module__.startswith("fazhi.")
            },
            key=lambda item: item[1],
        )
        object_type = self.fields["object_type"]
        assert isinstance(object_type, forms.ChoiceField)
        object_type.choices = [("", "全部类型"), *kinds]


def posted(form_class: type[forms.BaseForm], request: Any, **kwargs: Any) -> dict[str, Any]:
    """The cleaned data of ``form_class`` bound to the request's POST (and FILES), or a
    ValidationError carrying every refusal in Chinese: for views whose pages draw their own
    inputs and only need the shape checked (control characters, numbers, choices) before
    the service decides."""
    form = form_class(request.POST, request.FILES or None, **kwargs)
    if not form.is_valid():
        raise forms.ValidationError(error_messages(form))
    return form.cleaned_data


def error_messages(form: forms.BaseForm) -> list[str]:
    """A bound form's refusals in Chinese, each once, named by its field's label (the
    control-character message, which says where the character is, is left whole)."""
    messages = [
        (f"“{form.fields[name].label}”：{text}" if name in form.fields and form.fields[name].label
         and "控制字符" not in text else str(text))
        for name, errors in form.errors.items()
        for text in errors
    ]  # fmt: skip
    return list(dict.fromkeys(messages))


class IdListField(forms.Field):
    """Several ids posted under one name (checkboxes, multi-selects): the well-formed
    positive integers, in order, each once; anything else refused."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        from fazhi.core.params import int_param

        ids: list[int] = []
        for item in value or []:
            number = int_param(item)
            if number is None:
                raise forms.ValidationError("提交的选项无效，请刷新页面后重新选择")
            ids.append(number)
        return list(dict.fromkeys(ids))


class IdField(forms.Field):
    """One row id (a hidden input, a select of records): a positive integer or, when not
    required and left empty, None."""

    def to_python(self, value: Any) -> int | None:
        from fazhi.core.params import int_param

        if value in (None, ""):
            return None
        number = int_param(value)
        if number is None:
            raise forms.ValidationError("提交的选项无效，请刷新页面后重新选择")
        return number


class NotificationReadForm(Form):
    id = IdField(label="通知", required=False)
    next = forms.CharField(label="返回页面", max_length=255, required=False)


class QueueFilterForm(Form):
    """我的待办's filter (GET): a module and a kind among the user's own, a page number."""

    module = forms.ChoiceField(label="模块", required=False)
    kind = forms.ChoiceField(label="类型", required=False)
    page = forms.IntegerField(label="页码", required=False, min_value=1, max_value=10_000)

    def __init__(self, *args: Any, counts: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        module = self.fields["module"]
        kind = self.fields["kind"]
        assert isinstance(module, forms.ChoiceField)
        assert isinstance(kind, forms.ChoiceField)
        module.choices = [
            ("", "全部模块"),
            *dict.fromkeys((c.module, c.module_label) for c in counts),
        ]
        kind.choices = [
            ("", "全部类型"),
            *((c.kind, f"{c.module_label} · {c.label}") for c in counts),
        ]
        self.module_of = {c.kind: c.module for c in counts}
        module.error_messages["invalid_choice"] = "没有这个模块，请从列表中选择"
        kind.error_messages["invalid_choice"] = "没有这个待办类型，请从列表中选择"
        page = self.fields["page"]
        page.error_messages.update(
            invalid="页码应为正整数", min_value="页码应为正整数", max_value="页码过大"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        module, kind = data.get("module"), data.get("kind")
        if module and kind and self.module_of.get(kind) != module:
            raise forms.ValidationError("所选类型不属于所选模块")
        return data
