"""Forms of the calendar pages: holiday-file upload, one-day edit, the deadline calculator."""

from __future__ import annotations

from typing import Any

from django import forms

from fazhi.core.forms import Form
from fazhi.workdays.deadlines import UNIT_WORDS
from fazhi.workdays.models import DeadlineRule, PeriodUnit
from fazhi.workdays.services import MAX_HOLIDAY_FILE_BYTES


class HolidayUploadForm(Form):
    file = forms.FileField(
        label="放假安排文件（JSON）",
        help_text="国务院办公厅节假日安排，holiday-cn 格式（year、papers、days）；有任何错误则整个文件不导入",
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".json"):
            raise forms.ValidationError("只接受 .json 文件")
        if upload.size > MAX_HOLIDAY_FILE_BYTES:
            raise forms.ValidationError("文件过大（上限 256 KB）")
        return upload


class DayEditForm(Form):
    day = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    status = forms.ChoiceField(
        label="状态",
        choices=[("rest", "休息日"), ("work", "工作日"), ("default", "恢复默认（周一至周五上班）")],
    )
    name = forms.CharField(label="名称", max_length=64, required=False, help_text="如：国庆节")


class CalculatorForm(Form):
    start = forms.DateField(
        label="起算日（事件发生日，不计入）", widget=forms.DateInput(attrs={"type": "date"})
    )
    rule = forms.ChoiceField(label="期限规则", required=False)
    amount = forms.IntegerField(label="或：期限数量", required=False, min_value=1, max_value=100000)
    unit = forms.ChoiceField(label="单位", required=False, choices=[("", "—"), *PeriodUnit.choices])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # One entry per rule code, named as people know it: 名称（依据，期限）.
        seen: dict[str, str] = {}
        for rule in DeadlineRule.objects.order_by("code", "-valid_from"):
            if rule.code not in seen:
                period = f"{rule.amount} {UNIT_WORDS[PeriodUnit(rule.unit)]}"
                seen[rule.code] = f"{rule.name}（{rule.legal_basis}，{period}）"
        rule_field = self.fields["rule"]
        assert isinstance(rule_field, forms.ChoiceField)
        named = sorted(seen.items(), key=lambda item: item[1])
        rule_field.choices = [("", "（不用规则，按下面的数量和单位）"), *named]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("rule") and not (data.get("amount") and data.get("unit")):
            raise forms.ValidationError("请选择期限规则，或填写期限数量和单位")
        return data
