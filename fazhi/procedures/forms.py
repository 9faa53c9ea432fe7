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


def attachment_of(request: HttpRequest, field: str, input_name: str = "") -> Upload | None:
    """The file posted as ``field`` for the action input ``input_name`` (default: the same
    name), read after its size is checked (CASE_UPLOADS; its content is checked by the
    engine); None when no file was given."""
    posted = request.FILES.get(field)
    if posted is None:
        return None
    ((name, data),) = read(CASE_UPLOADS, [posted])
    return Upload(input=input_name or field, name=name, data=data)
