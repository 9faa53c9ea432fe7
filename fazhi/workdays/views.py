"""Calendar month page, holiday-file upload, day edits, and the rules list with a calculator."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from fazhi.core.models import Permission, User
from fazhi.core.services import _require
from fazhi.workdays import selectors, services
from fazhi.workdays.deadlines import Deadline, compute_due, compute_rule, deadline_state
from fazhi.workdays.forms import CalculatorForm, DayEditForm, HolidayUploadForm


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # every page here requires a login
    return user


def _month_url(day: Any) -> str:
    return f"{reverse('workdays:month')}?m={day:%Y-%m}"


def month(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    try:
        first = selectors.parse_month(request.GET.get("m"))
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        first = timezone.localdate().replace(day=1)
    view = selectors.month_view(first.year, first.month)
    can_manage = user.has_fazhi_perm(Permission.MANAGE_CALENDAR)
    return render(
        request,
        "workdays/month.html",
        {
            "view": view,
            "first": first,
            "prev_url": _month_url(view.prev) if view.prev else "",
            "next_url": _month_url(view.next) if view.next else "",
            "weekdays": "一二三四五六日",
            "years": selectors.calendar_years(),
            "can_manage": can_manage,
            "upload_form": HolidayUploadForm() if can_manage else None,
            "day_form": DayEditForm(initial={"day": first}) if can_manage else None,
            "breadcrumbs": [{"label": "工作日历"}],
        },
    )


@require_POST
def import_file(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = HolidayUploadForm(request.POST, request.FILES)
    name = getattr(request.FILES.get("file"), "name", "") or "文件"
    try:
        _require(user, Permission.MANAGE_CALENDAR)
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        upload = form.cleaned_data["file"]
        try:
            text = upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationError(f"{name}：不是 UTF-8 文本") from None
        result = services.calendar_import(actor=user, text=text, filename=name)
    except PermissionDenied:
        raise
    except ValidationError as exc:
        reason = "；".join(exc.messages)
        services.calendar_import_refused(actor=user, filename=name, reason=reason)
        messages.error(request, f"未导入，日历未作任何修改：{reason}")
        return redirect("workdays:month")
    messages.success(request, f"已导入 {name}。{result.summary()}")
    return redirect(_month_url(date(result.year, 1, 1)))


@require_POST
def day_edit(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = DayEditForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("workdays:month")
    day = form.cleaned_data["day"]
    status = form.cleaned_data["status"]
    try:
        if status == "default":
            services.calendar_day_clear(actor=user, day=day)
        else:
            services.calendar_day_set(
                actor=user, day=day, is_workday=status == "work", name=form.cleaned_data["name"]
            )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, f"已修改 {day.isoformat()}。")
    return redirect(_month_url(day))


def rules(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = CalculatorForm(request.GET or None)
    result: Deadline | None = None
    error = ""
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            if data["rule"]:
                result = compute_rule(code=data["rule"], start=data["start"])
            else:
                result = compute_due(start=data["start"], amount=data["amount"], unit=data["unit"])
        except ValidationError as exc:
            error = exc.messages[0]
    return render(
        request,
        "workdays/rules.html",
        {
            "rules": selectors.rules_in_force(today),
            "today": today,
            "form": form,
            "result": result,
            "status": deadline_state(result.due, today=today) if result else None,
            "error": error,
            "breadcrumbs": [{"label": "期限规则"}],
        },
    )
