"""Admin for the calendar and the deadline rules; every save goes through the services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from fazhi.core.admin import BaseAdmin, ReadOnlyAdmin
from fazhi.core.models import User
from fazhi.workdays import services
from fazhi.workdays.models import CalendarDay, CalendarYear, DeadlineRule


def _actor(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@admin.register(CalendarYear)
class CalendarYearAdmin(ReadOnlyAdmin):
    """Read-only: a year becomes official by importing its schedule (日历页或 `fazhi calendar import`)."""

    list_display = ("year", "status", "source", "imported_at", "imported_by")
    list_filter = ("status",)


@admin.register(CalendarDay)
class CalendarDayAdmin(BaseAdmin):
    list_display = ("date", "is_workday", "name", "source", "updated_at")
    list_filter = ("is_workday", "name")
    search_fields = ("name", "source")
    date_hierarchy = "date"
    fields = ("date", "is_workday", "name")

    def save_model(self, request: HttpRequest, obj: CalendarDay, form: Any, change: bool) -> None:
        if change and "date" in form.changed_data:
            services.calendar_day_clear(actor=_actor(request), day=form.initial["date"])
        saved = services.calendar_day_set(
            actor=_actor(request), day=obj.date, is_workday=obj.is_workday, name=obj.name
        )
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: CalendarDay) -> None:
        services.calendar_day_clear(actor=_actor(request), day=obj.date)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarDay]) -> None:
        for row in queryset:
            services.calendar_day_clear(actor=_actor(request), day=row.date)


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(BaseAdmin):
    list_display = ("code", "name", "amount", "unit", "law", "article", "valid_from", "valid_to")
    list_filter = ("unit", "law")
    search_fields = ("code", "name", "law")

    def save_model(self, request: HttpRequest, obj: DeadlineRule, form: Any, change: bool) -> None:
        services.deadline_rule_save(actor=_actor(request), rule=obj)

    def delete_model(self, request: HttpRequest, obj: DeadlineRule) -> None:
        services.deadline_rule_delete(actor=_actor(request), rule=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[DeadlineRule]) -> None:
        for rule in queryset:
            services.deadline_rule_delete(actor=_actor(request), rule=rule)
