"""Forms of the disclosure pages: office intake, the public application, the status lookup."""

from __future__ import annotations

from typing import Any

from django import forms

from fazhi.core.forms import Form
from fazhi.disclosure.models import ApplicantType, Channel, LetterKind
from fazhi.disclosure.services import Application

DATE = {"type": "date"}


class ApplicationFields(Form):
    applicant_type = forms.ChoiceField(label="申请人类型", choices=ApplicantType.choices)
    applicant_name = forms.CharField(label="申请人姓名或者名称", max_length=128)
    id_number = forms.CharField(label="身份证号码或统一社会信用代码", max_length=32, required=False)
    phone = forms.CharField(label="联系电话", max_length=32, required=False)
    email = forms.CharField(label="电子邮箱", max_length=128, required=False)
    address = forms.CharField(label="通信地址", max_length=255, required=False)
    description = forms.CharField(
        label="所需政府信息的名称、文号或者便于查询的其他特征性描述",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    form = forms.CharField(
        label="获取信息的方式", max_length=64, required=False, help_text="如：纸质、电子邮件、光盘"
    )
    attachment = forms.FileField(
        label="附件", required=False, help_text="可选；PDF、JPG、PNG 或 Word 文档，不超过 10 MB"
    )

    def application(self) -> Application:
        data: dict[str, Any] = self.cleaned_data
        return Application(
            applicant_type=data["applicant_type"], applicant_name=data["applicant_name"],
            description=data["description"], phone=data.get("phone", ""),
            email=data.get("email", ""), address=data.get("address", ""),
            id_number=data.get("id_number", ""), form=data.get("form", ""),
        )  # fmt: skip


class IntakeForm(ApplicationFields):
    channel = forms.ChoiceField(label="申请方式", choices=Channel.choices)
    letter_kind = forms.ChoiceField(
        label="信函类型", choices=[("", "—"), *LetterKind.choices], required=False
    )
    submitted_on = forms.DateField(
        label="提交（到达）日期", widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d")
    )
    signed_on = forms.DateField(
        label="签收日期", required=False, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
        help_text="需签收的邮件填写",
    )  # fmt: skip
    confirmed_on = forms.DateField(
        label="确认日期", required=False, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
        help_text="平常信函：与申请人确认之日；互联网、传真：双方确认之日",
    )  # fmt: skip

    field_order = ["channel", "letter_kind", "submitted_on", "signed_on", "confirmed_on"]


class PublicApplicationForm(ApplicationFields):
    unit = forms.TypedChoiceField(label="向哪个机关申请", coerce=int)
    field_order = ["unit"]

    def __init__(self, *args: Any, desks: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "请选择"), *desks]  # type: ignore[attr-defined]
        self.fields["phone"].required = True
        self.fields["phone"].help_text = "查询办理进度时需要核对电话号码后四位"


class LookupForm(Form):
    code = forms.CharField(
        label="查询码", max_length=16, help_text="提交申请时取得，如 ABCDE-FGH23"
    )
    phone_last4 = forms.CharField(label="联系电话后四位", min_length=4, max_length=4)


class SupplyForm(Form):
    text = forms.CharField(label="补正内容", widget=forms.Textarea(attrs={"rows": 4}))
    attachment = forms.FileField(label="补正材料", required=False, help_text="可选；不超过 10 MB")
