"""Reads of core data, every one already scoped to the user."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from fazhi.core.models import AuditEvent, Organisation, Permission, User


def home_counts(user: Any) -> list[dict[str, Any]]:
    """The figures on the home page: each module's, counted within the user's data scope."""
    from fazhi.core import nav

    return nav.home_counts(user)


def count_visible_units(user: Any) -> int:
    return Organisation.objects.visible_to(user).count()


def count_visible_users(user: Any) -> int:
    return User.objects.visible_to(user).count()


def count_logins_today(user: Any) -> int:
    today_start = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    return (
        AuditEvent.objects.visible_to(user).filter(action="auth.login", at__gte=today_start).count()
    )


def count_audit_events(user: Any) -> int | None:
    if not user.has_fazhi_perm(Permission.VIEW_AUDIT):
        return None
    return AuditEvent.objects.visible_to(user).count()


def organisations_for(user: Any, *, q: str = "", kind: str = "") -> QuerySet[Organisation]:
    qs = Organisation.objects.visible_to(user).select_related("division", "parent")
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(short_name__contains=q))
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("path")


def users_for(user: Any, *, q: str = "", unit_id: int | None = None) -> QuerySet[User]:
    qs = User.objects.visible_to(user).select_related("unit").prefetch_related("roles")
    if q:
        qs = qs.filter(Q(username__contains=q) | Q(name__contains=q))
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    return qs.order_by("unit_path", "username")


def audit_events_for(user: Any, filters: dict[str, Any]) -> QuerySet[AuditEvent]:
    """Audit events in the user's scope, narrowed by the audit page's filters."""
    qs = AuditEvent.objects.visible_to(user)
    if filters.get("actor"):
        qs = qs.filter(actor_name__contains=filters["actor"])
    if filters.get("unit"):
        units = Organisation.objects.visible_to(user).filter(
            Q(name__contains=filters["unit"]) | Q(short_name__contains=filters["unit"])
        )
        qs = qs.filter(unit__in=units.values("pk"))
    if filters.get("action"):
        qs = qs.filter(action=filters["action"])
    if filters.get("object_type"):
        qs = qs.filter(object_type=filters["object_type"])
    if filters.get("object_id"):
        qs = qs.filter(object_id=filters["object_id"])
    if filters.get("date_from"):
        qs = qs.filter(at__gte=_day_start(filters["date_from"]))
    if filters.get("date_to"):
        qs = qs.filter(at__lt=_day_start(filters["date_to"] + timedelta(days=1)))
    return qs.order_by("-seq")


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))
