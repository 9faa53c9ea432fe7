"""Writes of core data. Each runs in a transaction, checks permission, appends an audit event."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms.models import model_to_dict

from fazhi.core import audit
from fazhi.core.models import (
    DataScope,
    Division,
    DivisionLevel,
    Organisation,
    OrgGroup,
    OrgKind,
    Permission,
    Role,
    User,
)
from fazhi.core.validators import validate_division_code, validate_uscc


def _require(actor: User | None, perm: str) -> None:
    """Raise PermissionDenied (audited) unless actor holds perm; None is the system itself."""
    if actor is None or actor.has_fazhi_perm(perm):
        return
    audit.record(action="auth.permission_denied", actor=actor, after={"permission": perm})
    raise PermissionDenied(f"您没有“{Permission(perm).label}”的权限。")


def _snapshot(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    return model_to_dict(obj, fields=list(fields))


# --- passwords -----------------------------------------------------------------


def password_change(*, actor: User, new_password: str) -> None:
    """The user sets a new password (already validated by the form)."""
    with transaction.atomic():
        actor.set_password(new_password)
        actor.save(update_fields=["password"])
        audit.record(action="auth.password_changed", actor=actor, obj=actor)


# --- divisions -----------------------------------------------------------------

DIVISION_FIELDS = ("code", "name", "level", "parent", "is_zone", "legal_division")


def division_upsert(
    *,
    actor: User | None,
    code: str,
    name: str,
    level: str,
    parent_code: str | None,
    is_zone: bool = False,
    legal_division_code: str | None = None,
) -> tuple[Division, bool]:
    """Create or update a division; returns (division, changed). Idempotent."""
    _require(actor, Permission.MANAGE_ORGS)
    code = code.strip()
    name = name.strip()
    if level not in DivisionLevel.values:
        raise ValidationError(f"区划级别“{level}”无效，应为 {'、'.join(DivisionLevel.values)}")
    if not is_zone:
        validate_division_code(code)
    if not name:
        raise ValidationError(f"区划 {code} 缺少名称")
    with transaction.atomic():
        parent = None
        if parent_code:
            parent = Division.objects.filter(code=parent_code).first()
            if parent is None:
                raise ValidationError(f"区划 {code} 的上级区划 {parent_code} 不存在")
        legal = None
        if legal_division_code:
            legal = Division.objects.filter(code=legal_division_code).first()
            if legal is None:
                raise ValidationError(f"功能区 {code} 的所在法定区划 {legal_division_code} 不存在")
        path = (parent.path if parent else "") + code + "/"
        existing = Division.objects.select_for_update().filter(code=code).first()
        values = {
            "name": name, "level": level, "parent": parent, "is_zone": is_zone,
            "legal_division": legal, "path": path,
        }  # fmt: skip
        if existing is None:
            division = Division.objects.create(code=code, **values)
            audit.record(
                action="division.create", actor=actor, obj=division,
                after=_snapshot(division, DIVISION_FIELDS),
            )  # fmt: skip
            return division, True
        before = _snapshot(existing, DIVISION_FIELDS)
        for key, value in values.items():
            setattr(existing, key, value)
        after = _snapshot(existing, DIVISION_FIELDS)
        if before == after and existing.path == path:
            return existing, False
        existing.save()
        audit.record(
            action="division.update", actor=actor, obj=existing, before=before, after=after
        )
        return existing, True


# --- organisations ---------------------------------------------------------------

ORG_FIELDS = (
    "name", "short_name", "aliases", "kind", "division", "parent", "uscc",
    "is_enforcement_body", "is_active", "sort_order",
)  # fmt: skip


def organisation_create(
    *,
    actor: User | None,
    name: str,
    kind: str,
    division: Division,
    parent: Organisation | None = None,
    short_name: str = "",
    aliases: list[str] | None = None,
    uscc: str = "",
    is_enforcement_body: bool = False,
    sort_order: int = 0,
) -> Organisation:
    _require(actor, Permission.MANAGE_ORGS)
    name = name.strip()
    if not name:
        raise ValidationError("单位全称不能为空")
    if kind not in OrgKind.values:
        raise ValidationError(f"单位类型“{kind}”无效")
    uscc = uscc.strip().upper()
    if uscc:
        validate_uscc(uscc)
    with transaction.atomic():
        if Organisation.objects.filter(name=name).exists():
            raise ValidationError(f"单位“{name}”已存在")
        org = Organisation(
            name=name, kind=kind, division=division, parent=parent,
            short_name=short_name.strip(), aliases=[a.strip() for a in aliases or [] if a.strip()],
            uscc=uscc, is_enforcement_body=is_enforcement_body, sort_order=sort_order,
            path="",
        )  # fmt: skip
        org.save()
        org.path = (parent.path if parent else "/") + f"{org.pk}/"
        org.save(update_fields=["path"])
        audit.record(
            action="organisation.create", actor=actor, obj=org, after=_snapshot(org, ORG_FIELDS)
        )
        return org


def org_group_set(
    *,
    actor: User | None,
    name: str,
    members: Iterable[Organisation],
    aliases: list[str] | None = None,
    description: str = "",
) -> OrgGroup:
    """Create or replace a named group of units."""
    _require(actor, Permission.MANAGE_ORGS)
    name = name.strip()
    if not name:
        raise ValidationError("单位组名称不能为空")
    member_list = list(members)
    with transaction.atomic():
        group = OrgGroup.objects.select_for_update().filter(name=name).first()
        before = None
        if group is None:
            group = OrgGroup.objects.create(
                name=name, aliases=aliases or [], description=description
            )
        else:
            before = {
                "aliases": group.aliases,
                "members": sorted(m.pk for m in group.members.all()),
            }
            group.aliases = aliases or []
            group.description = description
            group.save()
        group.members.set(member_list)
        after = {"aliases": group.aliases, "members": sorted(m.pk for m in member_list)}
        if before != after:
            audit.record(action="org_group.set", actor=actor, obj=group, before=before, after=after)
        return group


# --- roles and users -------------------------------------------------------------

BUILTIN_ROLES: tuple[dict[str, Any], ...] = (
    {
        "code": "sysadmin", "name": "系统管理员", "rank": 100, "data_scope": DataScope.ALL,
        "permissions": [p.value for p in Permission],
    },
    {
        "code": "supervisor", "name": "督查员", "rank": 80,
        "data_scope": DataScope.DIVISION_SUBTREE,
        "permissions": [Permission.SUPERVISE, Permission.VIEW_AUDIT, Permission.REPORT],
    },
    {
        "code": "unit_admin", "name": "单位管理员", "rank": 50,
        "data_scope": DataScope.UNIT_SUBTREE,
        "permissions": [Permission.MANAGE_USERS, Permission.VIEW_AUDIT, Permission.REPORT],
    },
    {
        "code": "legal_reviewer", "name": "法制审核员", "rank": 30,
        "data_scope": DataScope.UNIT_SUBTREE, "permissions": [Permission.LEGAL_REVIEW],
    },
    {
        "code": "clerk", "name": "经办人", "rank": 20, "data_scope": DataScope.UNIT,
        "permissions": [Permission.REPORT, Permission.HANDLE_CASES],
    },
    {
        "code": "enforcer", "name": "执法人员", "rank": 20, "data_scope": DataScope.UNIT,
        "permissions": [Permission.ENFORCE, Permission.HANDLE_CASES],
    },
)  # fmt: skip


def roles_ensure_builtin() -> None:
    """Create the built-in roles that are missing (run after every migrate)."""
    with transaction.atomic():
        for spec in BUILTIN_ROLES:
            if Role.objects.filter(code=spec["code"]).exists():
                continue
            role = Role.objects.create(is_builtin=True, **spec)
            audit.record(
                action="role.create", actor_name="系统", obj=role,
                after={"code": role.code, "permissions": role.permissions},
            )  # fmt: skip


USER_FIELDS = ("username", "name", "unit", "phone", "is_active", "is_staff", "is_superuser")


def user_create(
    *,
    actor: User | None,
    username: str,
    name: str,
    unit: Organisation,
    password: str,
    roles: Iterable[str] = (),
    phone: str = "",
    is_staff: bool = False,
    is_superuser: bool = False,
) -> User:
    """Create an account in ``unit`` with the roles named by code."""
    _require(actor, Permission.MANAGE_USERS)
    username = username.strip()
    if not username:
        raise ValidationError("用户名不能为空")
    with transaction.atomic():
        if User.objects.filter(username=username).exists():
            raise ValidationError(f"用户名“{username}”已被使用")
        role_objs = list(Role.objects.filter(code__in=list(roles)))
        missing = set(roles) - {r.code for r in role_objs}
        if missing:
            raise ValidationError(f"角色不存在：{'、'.join(sorted(missing))}")
        user = User(
            username=username, name=name.strip(), unit=unit, phone=phone,
            is_staff=is_staff, is_superuser=is_superuser,
        )  # fmt: skip
        user.set_password(password)
        user.save()
        user.roles.set(role_objs)
        audit.record(
            action="user.create", actor=actor, obj=user,
            after={**_snapshot(user, USER_FIELDS), "roles": sorted(r.code for r in role_objs)},
        )  # fmt: skip
        return user
