"""In-app notifications (站内通知): the one service every module calls to tell people something,
the read marks and the unread count of the top bar.

A notification goes to users, to the staff of units who hold a permission, or to the holders
of a permission or role on one unit (``notify_role``: "the 法制审核 staff of this unit").
Sending is a side effect of a write the caller audits in its own transaction, so it adds no
audit event of its own; marking read is a write of the recipient's and is audited.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from fazhi.core import audit
from fazhi.core.models import Notification, NotificationQuerySet, Organisation, Permission, User
from fazhi.core.text import control_message

TEXT_MAX = 500
URL_MAX = 255


@dataclass(frozen=True)
class Kind:
    code: str
    label: str


_KINDS: dict[str, Kind] = {}


def register_kind(code: str, label: str) -> None:
    """A kind of notification and its Chinese name (shown on the list, used by its filter)."""
    _KINDS[code] = Kind(code, label)


def kinds() -> list[Kind]:
    return sorted(_KINDS.values(), key=lambda k: k.code)


def kind_label(code: str) -> str:
    found = _KINDS.get(code)
    return found.label if found else "通知"


def safe_url(url: str) -> bool:
    """A path on this site ("/plans/task/3/"), never another site: no scheme, no host, no
    protocol-relative "//", no backslash tricks, no control characters."""
    if not url:
        return True
    if len(url) > URL_MAX or control_message(url) or "\\" in url:
        return False
    if not url.startswith("/") or url.startswith("//"):
        return False
    return url_has_allowed_host_and_scheme(url, allowed_hosts=set())


def _checked(kind: str, text: str, url: str) -> str:
    if kind not in _KINDS:
        raise ValueError(f"notification kind {kind!r} is not registered")
    if not safe_url(url):
        raise ValidationError("通知链接只能指向本系统内的页面")
    text = text.strip()
    if not text:
        raise ValidationError("通知内容不能为空")
    return text[:TEXT_MAX]


def notify_users(
    users: Iterable[User], *, kind: str, text: str, url: str = "", key: str = ""
) -> int:
    """One notification per active user (a reminder already sent under ``key`` is not sent
    again). Returns how many were created."""
    text = _checked(kind, text, url)
    chosen = {u.pk: u for u in users if u.pk is not None and u.is_active}
    if key and chosen:
        sent = set(
            Notification.objects.filter(recipient_id__in=chosen, dedupe_key=key).values_list(
                "recipient_id", flat=True
            )
        )
        chosen = {pk: u for pk, u in chosen.items() if pk not in sent}
    Notification.objects.bulk_create(
        [
            Notification(recipient=u, kind=kind, text=text, url=url, dedupe_key=key[:64])
            for u in chosen.values()
        ]
    )
    return len(chosen)


def _holders(users: Any, *, permission: str = "", role: str = "") -> list[User]:
    """The users among ``users`` holding ``permission`` (through any role, or superuser) or
    the role with code ``role``."""
    rows = list(users.filter(is_active=True).prefetch_related("roles"))
    if role:
        return [u for u in rows if any(r.code == role for r in u.roles.all())]
    if permission:
        return [u for u in rows if u.is_superuser or any(
            permission in r.permissions for r in u.roles.all()
        )]  # fmt: skip
    return rows


def notify_units(
    unit_ids: Iterable[int],
    *,
    kind: str,
    text: str,
    url: str = "",
    key: str = "",
    permission: str = Permission.REPORT,
) -> int:
    """Notify the staff of these units who hold ``permission`` (by default those who report
    progress: the people who do a unit's work on the ledger)."""
    ids = sorted(set(unit_ids))
    if not ids:
        return 0
    users = _holders(User.objects.filter(unit_id__in=ids), permission=permission)
    return notify_users(users, kind=kind, text=text, url=url, key=key)


def _is_permission(value: str) -> bool:
    return value in Permission.values


def notify_role(
    unit: Organisation | int,
    permission_or_role: str,
    *,
    kind: str,
    text: str,
    url: str = "",
    key: str = "",
) -> int:
    """Notify the people of ``unit`` who hold a permission (a ``Permission`` value such as
    ``legal.review``) or a role (a ``Role`` code such as ``legal_reviewer``): e.g. the
    reviewers of a unit told that a case awaits 法制审核. A name that is neither is an error
    in the caller, not an empty audience."""
    from fazhi.core.models import Role

    unit_id = unit.pk if isinstance(unit, Organisation) else int(unit)
    users = User.objects.filter(unit_id=unit_id)
    if _is_permission(permission_or_role):
        holders = _holders(users, permission=permission_or_role)
    elif Role.objects.filter(code=permission_or_role).exists():
        holders = _holders(users, role=permission_or_role)
    else:
        raise ValueError(f"{permission_or_role!r} is neither a permission nor a role code")
    return notify_users(holders, kind=kind, text=text, url=url, key=key)


def notifications_for(user: Any) -> NotificationQuerySet:
    return Notification.objects.visible_to(user)


def unread_count(user: Any) -> int:
    if user is None or not user.is_authenticated:
        return 0
    return int(Notification.objects.visible_to(user).filter(read_at__isnull=True).count())


def notification_mark_read(*, actor: User, ids: list[int] | None = None) -> int:
    """Mark the actor's own notifications read (all unread ones when ``ids`` is None); ids of
    someone else's notifications change nothing."""
    with transaction.atomic():
        rows = Notification.objects.visible_to(actor).filter(read_at__isnull=True)
        if ids is not None:
            rows = rows.filter(pk__in=ids)
        first = rows.values_list("pk", flat=True).first()
        if first is None:
            return 0
        count = rows.update(read_at=timezone.now())
        audit.record(
            action="notification.read", actor=actor, object_type="core.notification",
            object_id=str(first) if count == 1 else "",
            after={"count": count, "all": ids is None},
        )  # fmt: skip
    return int(count)
