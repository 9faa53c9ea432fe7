"""Forms of the indicators pages: every POST is read through one of these.

They check shape (an id is an ASCII number the database can hold and names a row the user
may choose, a year is a number, a date is YYYY-MM-DD); the services check meaning (ranges,
precision, who may do what). Figures and typed text are passed on as typed: the services
parse the figures (one place for precision and range) and tidy the text.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from fazhi.core import dates
from fazhi.core.forms import Form
from fazhi.core.params import int_param
from fazhi.indicators import services
from fazhi.indicators.models import Rule, UnitCategory


def _id(value: Any) -> int:
    """A row id typed or posted as text; ValidationError for anything int_param refuses."""
    found = int_param(value if isinstance(value, str) else str(value))
    if found is None:
        raise ValidationError("编号不正确", code="invalid_pk_value")
    return found


class RowField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """One row of the given (already scoped) queryset, named by its id."""

    def __init__(self, *, label: str, queryset: Any, required: bool = True) -> None:
        message = f"所选{label}不存在或无权选择"
        super().__init__(
            queryset=queryset,
            label=label,
            required=required,
            error_messages={"required": f"请选择{label}", "invalid_choice": message},
        )

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        try:
            pk = _id(value)
        except ValidationError:
            raise ValidationError(self.error_messages["invalid_choice"]) from None
        return super().to_python(pk)


class RowsField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """Several rows of the given (already scoped) queryset, named by their ids."""

    def __init__(self, *, label: str, queryset: Any, required: bool = False) -> None:
        message = f"所选{label}不存在或无权选择"
        super().__init__(
            queryset=queryset,
            label=label,
            required=required,
            error_messages={
                "required": f"请选择{label}",
                "invalid_choice": message,
                "invalid_pk_value": message,
                "invalid_list": message,
            },
        )

    def _check_values(self, value: Any) -> Any:
        try:
            ids = [_id(v) for v in value]
        except (ValidationError, TypeError):
            raise ValidationError(self.error_messages["invalid_choice"]) from None
        return super()._check_values(ids)  # type: ignore[misc]


class YearField(forms.Field):
    """A year: a number, within the range the services accept (services.check_year)."""

    def __init__(self, *, label: str = "年度", required: bool = True) -> None:
        super().__init__(
            label=label, required=required, error_messages={"required": f"请填写{label}"}
        )

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        found = int_param(str(value), low=0)
        if found is None:
            raise ValidationError(f"{self.label}“{value}”不是有效的年份（应为四位数字，如 2025）")
        return found

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None:
            services.check_year(value, str(self.label))


class DayField(forms.Field):
    """A date typed as YYYY-MM-DD (core.dates.parse); empty is None."""

    def to_python(self, value: Any) -> date | None:
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        return dates.parse(str(value), str(self.label))


def _figure(label: str) -> forms.CharField:
    # As typed: services.parse_decimal says what is wrong with "1e-30" or "NaN".
    return forms.CharField(label=label, required=False, strip=False, max_length=64)


def _text(label: str, *, required: bool = False) -> forms.CharField:
    # As typed: the service tidies, checks control characters and length (one place).
    return forms.CharField(
        label=label, required=required, strip=False, error_messages={"required": f"请填写{label}"}
    )


class FigureForm(Form):
    value = _figure("数值")
    numerator = _figure("分子")
    denominator = _figure("分母")
    note = _text("说明")


class ValueReportForm(FigureForm):
    year = YearField()
    unit = RowField(label="填报单位", queryset=None)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class ValueReviseForm(FigureForm):
    reason = _text("修订理由", required=True)
    next = forms.CharField(required=False, max_length=2000)


class YearCloseForm(Form):
    year = YearField()
    note = _text("说明")


class PublishForm(Form):
    statement = _text("公开说明", required=True)


class SchemeCreateForm(Form):
    year = YearField()
    title = _text("考核方案名称", required=True)
    copy_from = RowField(label="要复制的考核方案", queryset=None, required=False)
    units = RowsField(label="考核对象", queryset=None)

    def __init__(self, *args: Any, schemes: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["copy_from"].queryset = schemes  # type: ignore[attr-defined]
        self.fields["units"].queryset = units  # type: ignore[attr-defined]


class ItemAddForm(Form):
    name = _text("考核内容", required=True)
    points = _figure("分值")
    rule = forms.ChoiceField(
        label="评分规则", choices=Rule.choices, error_messages={"invalid_choice": "请选择评分规则"}
    )
    indicator = RowField(label="依据指标", queryset=None, required=False)
    applies_to = forms.ChoiceField(
        label="适用对象",
        choices=[("", "全部"), *UnitCategory.choices],
        required=False,
        error_messages={"invalid_choice": "适用对象不正确"},
    )

    def __init__(self, *args: Any, indicators: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = indicators  # type: ignore[attr-defined]


class ScoreForm(Form):
    item = RowField(label="考核项目", queryset=None)
    unit = RowField(label="单位", queryset=None)
    score = _figure("得分")
    reason = _text("评分理由")

    def __init__(self, *args: Any, items: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items  # type: ignore[attr-defined]
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class DeductForm(Form):
    unit = RowField(label="被扣分的单位", queryset=None)
    points = _figure("扣分")
    reason = _text("扣分理由")

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class ReportTrackForm(Form):
    plan = RowField(label="方案", queryset=None)
    year = YearField()

    def __init__(self, *args: Any, plans: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans  # type: ignore[attr-defined]


class ReportMarkForm(Form):
    submitted_on = DayField(label="报送日期", required=False)
    published_on = DayField(label="公开日期", required=False)


def errors_of(form: forms.Form) -> str:
    """The form's errors as one Chinese sentence for a message after the redirect."""
    parts = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = str(field.label) if field is not None and field.label else ""
        for error in errors:
            text = str(error)
            parts.append(text if not label or label in text else f"{label}：{text}")
    return "；".join(parts)
