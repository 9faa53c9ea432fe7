"""Logins, failed logins, logouts and lockouts go into the audit trail."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from fazhi.core import audit
from fazhi.core.models import User


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    audit.record(action="auth.login", actor=user, obj=user)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        audit.record(action="auth.logout", actor=user, obj=user)


def _target(username: str) -> User | None:
    return User.objects.filter(username=username).select_related("unit__division").first()


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kw: Any) -> None:
    username = str(credentials.get("username", ""))[:64]
    target = _target(username)
    audit.record(
        action="auth.login_failed",
        actor_name=username,
        obj=target,
        object_type="core.user",
        object_repr=username,
        after={"username": username, "known_user": target is not None},
    )


@receiver(user_locked_out)
def _locked_out(sender: Any, request: Any, username: str, ip_address: str, **kw: Any) -> None:
    target = _target(username)
    audit.record(
        action="auth.locked_out",
        actor_name=str(username)[:64],
        obj=target,
        object_type="core.user",
        object_repr=str(username)[:64],
        after={"username": username},
    )
