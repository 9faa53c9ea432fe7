"""Admin: replace a .docx template by upload (through the service). 案号格式 are core's
编号格式 (fazhi.core.admin)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from fazhi.core.admin import BaseAdmin
from fazhi.core.forms import ModelForm
from fazhi.procedures import documents, services
from fazhi.procedures.models import DocumentTemplate


class TemplateUploadForm(ModelForm):
    code = forms.ChoiceField(label="模板", choices=())
    file = forms.FileField(
        label="模板文件（.docx）", help_text="用 {{number}}、{{applicant_name}} 等占位符"
    )

    class Meta:
        model = DocumentTemplate
        fields = ("code",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = [  # type: ignore[attr-defined]
            (t.code, f"{t.name}（{t.code}）") for t in documents.default_templates()
        ]

    def clean_file(self) -> bytes:
        data: bytes = self.cleaned_data["file"].read()
        documents.check_template(data)
        return data


@admin.register(DocumentTemplate)
class DocumentTemplateAdmin(BaseAdmin):
    form = TemplateUploadForm
    list_display = ("name", "code", "updated_at", "updated_by")

    def save_model(
        self, request: HttpRequest, obj: DocumentTemplate, form: Any, change: bool
    ) -> None:
        try:
            saved = services.template_replace(
                actor=request.user,  # type: ignore[arg-type]
                code=form.cleaned_data["code"],
                data=form.cleaned_data["file"],
            )
        except ValidationError as exc:  # checked in the form already; kept for safety
            raise forms.ValidationError(exc.messages) from exc
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: DocumentTemplate) -> None:
        services.template_reset(actor=request.user, code=obj.code)  # type: ignore[arg-type]
