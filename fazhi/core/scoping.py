"""The one scoping API: which rows a user may see, as a Q over indexed path columns.

Every scoped model exposes ``Model.objects.visible_to(user)``, built on :func:`scope_q`.
The union of the user's roles decides: 全部 / 本级及下级 / 本单位及下级 / 本单位 / 仅本人.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from django.db import models
from django.db.models import Q

from fazhi.core.models import DataScope

if TYPE_CHECKING:
    from fazhi.core.models import User

NOTHING = Q(pk__in=[])


def scope_q(user: Any, *, unit_path: str, division_path: str, owner: str | None) -> Q:
    """A filter giving the rows ``user`` may see.

    ``unit_path`` and ``division_path`` name the (denormalised, indexed) path lookups of
    the row's owning unit and division; ``owner`` names the lookup of the user who owns
    the row, or None when rows have no personal owner.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.is_superuser:
        return Q()
    unit = user.unit
    q = NOTHING
    for scope in {role.data_scope for role in user.cached_roles}:
        if scope == DataScope.ALL:
            return Q()
        if unit is None:
            continue
        if scope == DataScope.DIVISION_SUBTREE:
            q |= Q(**{f"{division_path}__startswith": unit.division.path})
        elif scope == DataScope.UNIT_SUBTREE:
            q |= Q(**{f"{unit_path}__startswith": unit.path})
        elif scope == DataScope.UNIT:
            q |= Q(**{unit_path: unit.path})
        elif scope == DataScope.SELF and owner is not None:
            q |= Q(**{owner: user.pk})
    return q


class ScopedQuerySet(models.QuerySet[Any]):
    """For models carrying ``owner_unit_path``, ``owner_division_path`` and ``created_by``."""

    def visible_to(self, user: User | Any) -> ScopedQuerySet:
        return self.filter(
            scope_q(
                user,
                unit_path="owner_unit_path",
                division_path="owner_division_path",
                owner="created_by",
            )
        )


class ScopedModel(models.Model):
    """Base for domain rows owned by a unit: the owner's paths are copied onto the row."""

    owner_unit = models.ForeignKey(
        "core.Organisation", verbose_name="所属单位", on_delete=models.PROTECT, related_name="+"
    )
    owner_unit_path = models.CharField(max_length=255, db_index=True, editable=False)
    owner_division_path = models.CharField(max_length=255, db_index=True, editable=False)
    created_by = models.ForeignKey(
        "core.User",
        verbose_name="创建人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.owner_unit_path = self.owner_unit.path
        self.owner_division_path = self.owner_unit.division.path
        super().save(*args, **kwargs)


class Scopable(Protocol):
    """A queryset of a scoped model: it can narrow itself to what a user may see."""

    def visible_to(self, user: Any) -> models.QuerySet[Any]: ...


def get_visible_or_404(queryset: Scopable, user: Any, **lookup: Any) -> Any:
    """The object if the user may see it (through the model's visible_to); else an audited 404."""
    return get_scoped_or_404(queryset.visible_to(user), user, **lookup)


def get_scoped_or_404(scoped: models.QuerySet[Any], user: Any, **lookup: Any) -> Any:
    """The object from a queryset already scoped to the user; otherwise 404 (not 403), audited.

    A 404 does not confirm that a record exists in another unit; the audit event lets an
    inspector see who probed for ids outside their scope.
    """
    from django.http import Http404

    from fazhi.core import audit

    obj = scoped.filter(**lookup).first()
    if obj is None:
        audit.record(
            action="access.not_found",
            actor=user if getattr(user, "is_authenticated", False) else None,
            object_type=scoped.model._meta.label_lower,
            object_id=",".join(f"{k}={v}" for k, v in lookup.items())[:64],
        )
        raise Http404("记录不存在或无权查看")
    return obj
