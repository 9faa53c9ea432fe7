"""How the audit trail reads to an auditor: each action, record type and changed field by
its Chinese name, values by their labels. Every module registers its own (its labels.py,
registered in apps.ready); the audit page, its filter and its export read them from here.

Under test (FAZHI_AUDIT_STRICT), recording an action or a field without a label fails, so
a new write cannot reach the audit page as an internal code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.apps import apps
from django.conf import settings

_ACTIONS: dict[str, str] = {}
_FIELDS: dict[str, str] = {}
# (object_type or "", field) → value → label; "" applies to every record type.
_VALUES: dict[tuple[str, str], Callable[[Any], str | None]] = {}
# Action families whose codes are made at run time ("case.<procedure>.<action>").
_FAMILIES: list[Callable[[str], str | None]] = []
_FAMILY_CODES: list[Callable[[], Iterable[str]]] = []
# Record types whose fields are declared elsewhere (a case's fields are its actions' inputs).
_FIELD_SOURCES: dict[str, Callable[[str], str | None]] = {}
_VALUE_SOURCES: dict[str, Callable[[str, Any], str | None]] = {}

# Keys shared by many records.
COMMON_FIELDS = {
    "name": "名称", "title": "标题", "text": "内容", "state": "状态", "status": "状态",
    "reason": "理由", "comment": "意见", "note": "备注", "version": "版本", "event": "事件序号",
    "due_on": "到期日", "permission": "权限", "unit": "单位", "units": "单位", "roles": "角色",
    "task": "任务", "period": "报告期", "year": "年度", "count": "数量", "size": "大小（字节）",
    "sha256": "SHA-256 摘要", "code": "代码", "number": "编号", "kind": "类型", "file": "文件",
    "filename": "文件名", "source": "来源", "url": "网址", "date": "日期", "on": "日期",
    "pattern": "编号格式", "placeholders": "占位符", "members": "成员", "aliases": "别名",
    "description": "说明", "ip": "IP 地址", "username": "用户名", "path": "路径",
    "changed": "变更数量", "created": "新增数量", "skipped": "跳过数量", "total": "合计",
    "value": "数值", "points": "分值", "score": "得分", "self_state": "自评状态",
    "evidence": "佐证材料", "reports": "进展报告", "text_length": "内容字数", "id": "编号",
}  # fmt: skip


def register(
    *,
    actions: Mapping[str, str] = {},
    fields: Mapping[str, str] = {},
    family: Callable[[str], str | None] | None = None,
    family_codes: Callable[[], Iterable[str]] | None = None,
    field_source: tuple[str, Callable[[str], str | None]] | None = None,
    value_source: tuple[str, Callable[[str, Any], str | None]] | None = None,
) -> None:
    """Labels of a module's audit actions (code → 新增用户) and record fields; ``family``
    names codes made at run time (``family_codes`` lists them for the filter), ``field_source`` (object_type, fn(key)) the fields of a
    type and ``value_source`` (object_type, fn(key, value)) how their values read."""
    _ACTIONS.update(actions)
    _FIELDS.update(fields)
    if family is not None:
        _FAMILIES.append(family)
    if family_codes is not None:
        _FAMILY_CODES.append(family_codes)
    if field_source is not None:
        _FIELD_SOURCES[field_source[0]] = field_source[1]
    if value_source is not None:
        _VALUE_SOURCES[value_source[0]] = value_source[1]


def register_values(object_type: str, field: str, label: Callable[[Any], str | None]) -> None:
    """How values of ``field`` read (a state code → its label); object_type "" for any."""
    _VALUES[(object_type, field)] = label


def action_label(code: str) -> str | None:
    """The Chinese name of an audit action, or None when nobody registered one."""
    found = _ACTIONS.get(code)
    if found is not None:
        return found
    for family in _FAMILIES:
        if (label := family(code)) is not None:
            return label
    if code.endswith(".refused") and (base := action_label(code.removesuffix(".refused"))):
        return f"{base}（被拒绝）"
    return None


def actions() -> list[tuple[str, str]]:
    """(code, label) of every registered action, by label: the audit filter's choices."""
    found = dict(_ACTIONS)
    for codes in _FAMILY_CODES:
        for code in codes():
            if (label := action_label(code)) is not None:
                found[code] = label
    return sorted(found.items(), key=lambda item: (item[1], item[0]))


def object_label(object_type: str) -> str:
    """The record type's Chinese name (its model's verbose_name), or "" when unknown."""
    if not object_type:
        return ""
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return ""
    return str(model._meta.verbose_name)


def field_label(object_type: str, key: str) -> str | None:
    """The record type's own name for ``key`` first (its declaration, its model field), then
    the module-wide and the common names."""
    source = _FIELD_SOURCES.get(object_type)
    if source is not None and (label := source(key)) is not None:
        return label
    if object_type:
        try:
            model = apps.get_model(object_type)
            return str(model._meta.get_field(key).verbose_name)
        except Exception:  # noqa: S110 (unknown model or FieldDoesNotExist)
            pass
    return _FIELDS.get(key) or COMMON_FIELDS.get(key)


def value_text(object_type: str, key: str, value: Any) -> str:
    """A value as the audit page shows it."""
    for scope in (object_type, ""):
        mapper = _VALUES.get((scope, key))
        if mapper is not None and (label := mapper(value)) is not None:
            return label
    source = _VALUE_SOURCES.get(object_type)
    plain = not isinstance(value, list | dict)
    if source is not None and plain and (label := source(key, value)) is not None:
        return label
    if value is None or value == "":
        return "空"
    if value is True:
        return "是"
    if value is False:
        return "否"
    if object_type and isinstance(value, str):
        choices = _choices(object_type, key)
        if value in choices:
            return choices[value]
    if isinstance(value, list):
        return "、".join(value_text(object_type, key, v) for v in value) or "空"
    if isinstance(value, dict):
        return "，".join(
            f"{field_label(object_type, k) or k}：{value_text(object_type, k, v)}"
            for k, v in value.items()
        )
    return str(value)


def _choices(object_type: str, key: str) -> dict[str, str]:
    try:
        field = apps.get_model(object_type)._meta.get_field(key)
    except Exception:
        return {}
    return {str(v): str(label) for v, label in getattr(field, "flatchoices", None) or ()}


def changes(event: Any) -> list[tuple[str, str]]:
    """An event's before/after as (field label, "旧 → 新" or the value) pairs."""
    before = event.before if isinstance(event.before, dict) else {}
    after = event.after if isinstance(event.after, dict) else {}
    kind = event.object_type
    rows = []
    for key in list(dict.fromkeys([*before, *after])):
        label = field_label(kind, key) or key
        old, new = before.get(key), after.get(key)
        if key in before and key in after:
            if old != new:
                rows.append((label, f"{value_text(kind, key, old)} → {value_text(kind, key, new)}"))
        elif key in after:
            rows.append((label, value_text(kind, key, new)))
        else:
            rows.append((label, f"{value_text(kind, key, old)} → （删除）"))
    if not rows and (event.before or event.after) and not (before or after):
        rows.append(("内容", value_text(kind, "", event.after or event.before)))
    return rows


def missing(action: str, object_type: str, parts: Iterable[Any]) -> list[str]:
    """What an event about to be recorded would show as an internal code."""
    problems = []
    if action_label(action) is None:
        problems.append(f"action {action!r}")
    for part in parts:
        if isinstance(part, dict):
            problems += [
                f"field {key!r} of {object_type or action!r}"
                for key in part
                if field_label(object_type, key) is None
            ]
    return problems


def strict() -> bool:
    return bool(getattr(settings, "FAZHI_AUDIT_STRICT", False))
