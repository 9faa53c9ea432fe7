"""Writes of core data. Each runs in a transaction, checks permission, appends an audit event."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
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


def divisions_import_csv(*, actor: User | None, text: str) -> dict[str, int]:
    """Import ``code,name,parent_code,level`` rows; all or nothing, idempotent.

    Rows may come in any order; parents are created before children. Errors name the line.
    """
    import csv
    import io

    levels = {"province", "city", "county", "township", "zone"}
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if reader.fieldnames is None or not {"code", "name", "parent_code", "level"} <= set(
        reader.fieldnames
    ):
        raise ValidationError("区划文件表头应为 code,name,parent_code,level")
    rows: list[tuple[int, dict[str, str]]] = []
    seen: dict[str, int] = {}
    errors: list[str] = []
    for line, row in enumerate(reader, start=2):
        code = (row.get("code") or "").strip()
        level = (row.get("level") or "").strip()
        try:
            validate_division_code(code)
        except ValidationError as exc:
            errors.append(f"第 {line} 行：{exc.messages[0]}")
            continue
        if level not in levels:
            errors.append(f"第 {line} 行：级别“{level}”无效")
            continue
        if not (row.get("name") or "").strip():
            errors.append(f"第 {line} 行：缺少名称")
            continue
        if code in seen:
            errors.append(f"第 {line} 行：代码 {code} 与第 {seen[code]} 行重复")
            continue
        seen[code] = line
        rows.append((line, row))
    known = set(Division.objects.values_list("code", flat=True)) | set(seen)
    for line, row in rows:
        parent = (row.get("parent_code") or "").strip()
        if parent and parent not in known:
            errors.append(f"第 {line} 行：上级区划 {parent} 不存在")
    if errors:
        raise ValidationError(errors)
    counts = {"created_or_changed": 0, "unchanged": 0}
    pending = rows
    with transaction.atomic():
        while pending:
            done = set(Division.objects.values_list("code", flat=True))
            ready = [
                (n, r)
                for n, r in pending
                if not r["parent_code"].strip() or r["parent_code"].strip() in done
            ]
            if not ready:
                raise ValidationError(f"第 {pending[0][0]} 行：上级区划关系成环")
            for _, row in ready:
                _, changed = division_upsert(
                    actor=actor, code=row["code"].strip(), name=row["name"].strip(),
                    level=row["level"].strip(), parent_code=row["parent_code"].strip() or None,
                )  # fmt: skip
                counts["created_or_changed" if changed else "unchanged"] += 1
            ready_lines = {n for n, _ in ready}
            pending = [(n, r) for n, r in pending if n not in ready_lines]
    return counts


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


def organisation_update(
    *,
    actor: User | None,
    org: Organisation,
    name: str | None = None,
    short_name: str | None = None,
    aliases: list[str] | None = None,
    kind: str | None = None,
    division: Division | None = None,
    parent: Organisation | Literal["keep"] | None = "keep",
    uscc: str | None = None,
    is_enforcement_body: bool | None = None,
    is_active: bool | None = None,
) -> Organisation:
    """Change a unit; moving it under another parent moves its whole subtree."""
    _require(actor, Permission.MANAGE_ORGS)
    with transaction.atomic():
        org = Organisation.objects.select_for_update().get(pk=org.pk)
        before = _snapshot(org, ORG_FIELDS)
        if name is not None:
            name = name.strip()
            if not name:
                raise ValidationError("单位全称不能为空")
            if Organisation.objects.filter(name=name).exclude(pk=org.pk).exists():
                raise ValidationError(f"单位“{name}”已存在")
            org.name = name
        if short_name is not None:
            org.short_name = short_name.strip()
        if aliases is not None:
            org.aliases = [a.strip() for a in aliases if a.strip()]
        if kind is not None:
            if kind not in OrgKind.values:
                raise ValidationError(f"单位类型“{kind}”无效")
            org.kind = kind
        if division is not None:
            org.division = division
        if uscc is not None:
            uscc = uscc.strip().upper()
            if uscc:
                validate_uscc(uscc)
            org.uscc = uscc
        if is_enforcement_body is not None:
            org.is_enforcement_body = is_enforcement_body
        if is_active is not None:
            org.is_active = is_active
        old_path = org.path
        if parent != "keep":
            if parent is not None and parent.path.startswith(old_path):
                raise ValidationError(
                    f"不能把“{org.name}”设为“{parent.name}”的下级：{parent.name}本身是它的下级单位，会形成循环"
                )
            org.parent = parent
            org.path = (parent.path if parent else "/") + f"{org.pk}/"
        after = _snapshot(org, ORG_FIELDS)
        if before == after:
            return org
        org.save()
        if org.path != old_path:
            _move_subtree(old_path, org.path)
        if before["division"] != after["division"]:
            _refresh_division_path(org)
        audit.record(action="organisation.update", actor=actor, obj=org, before=before, after=after)
        return org


def _move_subtree(old_path: str, new_path: str) -> None:
    """Rewrite the stored paths under a moved unit, and on the rows it owns."""
    from django.apps import apps
    from django.db.models import Value
    from django.db.models.functions import Concat, Substr

    from fazhi.core.scoping import ScopedModel

    cut = len(old_path) + 1
    Organisation.objects.filter(path__startswith=old_path).exclude(path=new_path).update(
        path=Concat(Value(new_path), Substr("path", cut))
    )
    User.objects.filter(unit_path__startswith=old_path).update(
        unit_path=Concat(Value(new_path), Substr("unit_path", cut))
    )
    for model in apps.get_models():
        if issubclass(model, ScopedModel):
            model._default_manager.filter(owner_unit_path__startswith=old_path).update(
                owner_unit_path=Concat(Value(new_path), Substr("owner_unit_path", cut))
            )


def _refresh_division_path(org: Organisation) -> None:
    """The unit changed division: rows it owns move with it (its sub-units keep theirs)."""
    from django.apps import apps

    from fazhi.core.scoping import ScopedModel

    User.objects.filter(unit=org).update(division_path=org.division.path)
    for model in apps.get_models():
        if issubclass(model, ScopedModel):
            model._default_manager.filter(owner_unit=org).update(
                owner_division_path=org.division.path
            )


def organisation_delete(*, actor: User | None, org: Organisation) -> None:
    """Delete a unit that owns nothing; otherwise refuse and say what it still owns."""
    _require(actor, Permission.MANAGE_ORGS)
    with transaction.atomic():
        org = Organisation.objects.select_for_update().get(pk=org.pk)
        reasons = organisation_dependents(org)
        if reasons:
            raise ValidationError(f"“{org.name}”不能删除：仍有{'、'.join(reasons)}。可改为停用。")
        before = _snapshot(org, ORG_FIELDS)
        org_id, org_repr = str(org.pk), str(org)
        try:
            org.delete()
        except ProtectedError as exc:
            kinds = sorted({str(o._meta.verbose_name) for o in exc.protected_objects})
            raise ValidationError(
                f"“{org.name}”不能删除：仍被{'、'.join(kinds)}引用。可改为停用。"
            ) from exc
        audit.record(
            action="organisation.delete", actor=actor, object_type="core.organisation",
            object_id=org_id, object_repr=org_repr, before=before,
        )  # fmt: skip


def organisation_dependents(org: Organisation) -> list[str]:
    """What still refers to a unit, in words: '3 个下级单位', '2 个用户', '5 条任务台账记录'."""
    from django.apps import apps

    from fazhi.core.scoping import ScopedModel

    reasons = []
    if (n := org.children.count()) > 0:
        reasons.append(f"{n} 个下级单位")
    if (n := org.users.count()) > 0:
        reasons.append(f"{n} 个用户")
    for model in apps.get_models():
        if issubclass(model, ScopedModel):
            n = model._default_manager.filter(owner_unit=org).count()
            if n:
                reasons.append(f"{n} 条{model._meta.verbose_name}记录")
    for rel in Organisation._meta.related_objects:
        if rel.related_model in (Organisation, User, OrgGroup) or not rel.many_to_many:
            continue
        n = rel.related_model._default_manager.filter(**{rel.field.name: org}).count()
        if n:
            reasons.append(f"{n} 条{rel.related_model._meta.verbose_name}关联")
    return reasons


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
        "code": "section_head", "name": "科室负责人", "rank": 40, "data_scope": DataScope.UNIT,
        "permissions": [Permission.APPROVE, Permission.HANDLE_CASES, Permission.REPORT],
    },
    {
        "code": "unit_head", "name": "机关负责人", "rank": 60,
        "data_scope": DataScope.UNIT_SUBTREE,
        "permissions": [Permission.SIGN, Permission.REPORT],
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
    username = username.strip()
    if not username:
        raise ValidationError("用户名不能为空")
    # Checked before the transaction, so that a refusal's audit event is kept.
    role_objs = _roles_by_code(roles)
    _check_user_admin(actor, unit, role_objs)
    if (is_staff or is_superuser) and actor is not None and not actor.is_superuser:
        raise PermissionDenied("只有系统管理员可以创建后台管理账号")
    with transaction.atomic():
        if User.objects.filter(username=username).exists():
            raise ValidationError(f"用户名“{username}”已被使用")
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


def can_manage_unit(actor: User | None, unit: Organisation | None) -> bool:
    """System admins manage every unit's users; a unit admin, their own unit and below."""
    if actor is None or actor.is_superuser or actor.has_fazhi_perm(Permission.MANAGE_SYSTEM):
        return True
    if not actor.has_fazhi_perm(Permission.MANAGE_USERS) or actor.unit is None or unit is None:
        return False
    return unit.path.startswith(actor.unit.path)


def _max_rank(actor: User | None) -> int:
    if actor is None or actor.is_superuser:
        return 10_000
    return max((r.rank for r in actor.cached_roles), default=0)


def _check_user_admin(actor: User | None, unit: Organisation | None, roles: list[Role]) -> None:
    if not can_manage_unit(actor, unit):
        audit.record(
            action="auth.permission_denied", actor=actor,
            after={"permission": Permission.MANAGE_USERS, "unit": unit.pk if unit else None},
        )  # fmt: skip
        raise PermissionDenied("您只能管理本单位及下级单位的用户。")
    too_high = [r.name for r in roles if r.rank > _max_rank(actor)]
    if too_high:
        audit.record(
            action="auth.permission_denied", actor=actor,
            after={"permission": "role.grant", "roles": too_high},
        )  # fmt: skip
        raise PermissionDenied(f"不能授予高于自己的角色：{'、'.join(too_high)}")


def _roles_by_code(codes: Iterable[str]) -> list[Role]:
    codes = list(codes)
    found = list(Role.objects.filter(code__in=codes))
    missing = set(codes) - {r.code for r in found}
    if missing:
        raise ValidationError(f"角色不存在：{'、'.join(sorted(missing))}")
    return found


def user_update(
    *,
    actor: User | None,
    user: User,
    name: str | None = None,
    unit: Organisation | None = None,
    phone: str | None = None,
    is_active: bool | None = None,
    roles: Iterable[str] | None = None,
) -> User:
    """Change an account; the actor must manage both its old and its new unit."""
    # Checked before the transaction, so that a refusal's audit event is kept.
    role_objs = _roles_by_code(roles) if roles is not None else []
    # Roles the user already holds may stay even if above the actor; new ones may not.
    held = {r.code for r in user.roles.all()}
    _check_user_admin(actor, user.unit, [r for r in role_objs if r.code not in held])
    if unit is not None and unit != user.unit:
        _check_user_admin(actor, unit, [])
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        before = {**_snapshot(user, USER_FIELDS), "roles": sorted(held)}
        if name is not None:
            if not name.strip():
                raise ValidationError("姓名不能为空")
            user.name = name.strip()
        if unit is not None:
            user.unit = unit
        if phone is not None:
            user.phone = phone.strip()
        if is_active is not None:
            if actor is not None and user.pk == actor.pk and not is_active:
                raise ValidationError("不能停用自己的账号")
            user.is_active = is_active
        user.save()
        if roles is not None:
            user.roles.set(role_objs)
        after = {
            **_snapshot(user, USER_FIELDS),
            "roles": sorted(r.code for r in role_objs) if roles is not None else sorted(held),
        }
        if before != after:
            audit.record(action="user.update", actor=actor, obj=user, before=before, after=after)
        return user


def user_set_password(*, actor: User | None, user: User, password: str) -> None:
    """An administrator sets a new password for someone (already validated)."""
    _check_user_admin(actor, user.unit, [])
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        user.set_password(password)
        user.save(update_fields=["password"])
        audit.record(action="user.password_reset", actor=actor, obj=user)
