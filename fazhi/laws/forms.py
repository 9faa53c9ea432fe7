"""Forms of the laws pages (search filters, normative-document steps)."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from fazhi.core import dates
from fazhi.core.forms import Form
from fazhi.core.params import int_param
from fazhi.laws.models import CleanupOutcome, Kind, Status
from fazhi.laws.search import SORTS


class SearchForm(Form):
    q = forms.CharField(label="检索词", required=False, max_length=500)
    kind = forms.ChoiceField(
        label="类别", required=False, choices=[("", "全部类别"), *Kind.choices]
    )
    status = forms.ChoiceField(
        label="时效性", required=False, choices=[("", "全部"), *Status.choices]
    )
    body = forms.CharField(label="制定机关", required=False, max_length=100)
    year = forms.CharField(label="年份", required=False, max_length=20)
    sort = forms.ChoiceField(label="排序", required=False, choices=list(SORTS.items()))

    def clean_year(self) -> int | None:
        raw = self.cleaned_data.get("year", "")
        if not raw:
            return None
        first, last = dates.EARLIEST.year, timezone.localdate().year
        year = int_param(raw, low=first, high=last)
        if year is None:
            raise forms.ValidationError(f"应为 {first} 至 {last} 之间的年份，如 2021")
        return year


class NormativeCreateForm(Form):
    title = forms.CharField(label="文件标题", max_length=255)
    issuing_body = forms.CharField(label="制定机关", max_length=255)
    doc_number = forms.CharField(label="发文字号", max_length=128, required=False)
    text = forms.CharField(
        label="正文", widget=forms.Textarea(attrs={"rows": 14}),
        help_text="每条单独成段，以“第一条”“第二条”……开头；章以“第一章 总则”等开头。",
    )  # fmt: skip


class RegisterForm(Form):
    on = forms.DateField(label="登记日期", widget=forms.DateInput(attrs={"type": "date"}))
    registration_number = forms.CharField(
        label="统一登记编号", max_length=64, required=False, help_text="留空则自动编号"
    )


class PublishForm(Form):
    published_on = forms.DateField(label="公布日期", widget=forms.DateInput(attrs={"type": "date"}))
    effective_on = forms.DateField(
        label="施行日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    expires_on = forms.DateField(
        label="有效期至", required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text="留空则按设定的有效期年限计算",
    )  # fmt: skip


class FileForm(Form):
    filed_on = forms.DateField(label="报送备案日期", widget=forms.DateInput(attrs={"type": "date"}))
    filed_with = forms.CharField(label="备案机关", max_length=255)
    filing_number = forms.CharField(label="备案登记号", max_length=64, required=False)


class CleanupCreateForm(Form):
    title = forms.CharField(label="清理工作名称", max_length=255)
    started_on = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}))


class CleanupDecideForm(Form):
    document = forms.CharField(label="文件", widget=forms.HiddenInput)
    outcome = forms.ChoiceField(label="结论", choices=CleanupOutcome.choices)
    note = forms.CharField(label="说明", max_length=500, required=False)

    def clean_document(self) -> int:
        pk = int_param(self.cleaned_data.get("document", ""))
        if pk is None:
            raise forms.ValidationError("所选文件无效，请刷新页面后重试")
        return pk
