"""How core's audit actions and fields read on the audit page (fazhi.core.audit_labels)."""

from __future__ import annotations

from django.apps import apps

from fazhi.core import audit_labels, numbering

ACTIONS = {
    "auth.login": "登录", "auth.logout": "退出登录", "auth.login_failed": "登录失败",
    "auth.locked_out": "账号被锁定", "auth.password_changed": "修改本人密码",
    "auth.permission_denied": "越权操作被拒绝", "access.not_found": "查看不存在或无权查看的记录",
    "division.create": "新增行政区划", "division.update": "修改行政区划",
    "organisation.create": "新增单位", "organisation.update": "修改单位",
    "organisation.delete": "删除单位", "org_group.set": "设置单位组", "role.create": "新增角色",
    "user.create": "新增用户", "user.update": "修改用户", "user.password_reset": "重置用户密码",
    "numbering.pattern_set": "设置编号格式", "numbering.pattern_clear": "删除编号格式",
    "notification.read": "通知标为已读",
}  # fmt: skip

FIELDS = {
    "known_user": "账号存在", "parent": "上级", "division": "所在区划", "series": "编号序列", "count": "条数",
    "all": "全部标为已读",
}  # fmt: skip

_ADMIN_OPS = {"create": "新增", "update": "修改", "delete": "删除"}


def _admin_action(code: str) -> str | None:
    """admin.<model>.<op>: a save in the Django admin."""
    parts = code.split(".")
    if len(parts) != 3 or parts[0] != "admin" or parts[2] not in _ADMIN_OPS:
        return None
    for model in apps.get_models():
        if model._meta.model_name == parts[1]:
            return f"后台{_ADMIN_OPS[parts[2]]}{model._meta.verbose_name}"
    return None


def _permission(value: object) -> str | None:
    from fazhi.core.models import Permission

    return str(Permission(value).label) if value in Permission.values else None


def _role(value: object) -> str | None:
    from fazhi.core.models import Role

    if not isinstance(value, str):
        return None
    return Role.objects.filter(code=value).values_list("name", flat=True).first()


def register() -> None:
    audit_labels.register(actions=ACTIONS, fields=FIELDS, family=_admin_action)
    audit_labels.register_values("", "permission", _permission)
    audit_labels.register_values("", "roles", _role)
    audit_labels.register_values("", "series", numbering.series_label)
