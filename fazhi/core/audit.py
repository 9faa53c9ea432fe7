"""The audit trail: append an event in the caller's transaction; verify the SM3 chain."""

from __future__ import annotations

import contextvars
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from fazhi.core.models import AuditChainHead, AuditEvent, User

GENESIS = "0" * 64
_AT_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"

# The client IP of the request being served, set by the request-log middleware.
current_ip: contextvars.ContextVar[str] = contextvars.ContextVar("fazhi_current_ip", default="")


def sm3(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


def to_json_value(value: Any) -> Any:
    """What a JSON column will give back: dates and decimals become strings."""
    if value is None:
        return None
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def _canonical(fields: dict[str, Any]) -> bytes:
    return json.dumps(
        fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str
    ).encode("utf-8")


def _hashed_fields(
    *,
    seq: int,
    at: datetime,
    actor_id: int | None,
    actor_name: str,
    unit_id: int | None,
    unit_path: str,
    division_path: str,
    ip: str,
    action: str,
    object_type: str,
    object_id: str,
    object_repr: str,
    before: Any,
    after: Any,
) -> dict[str, Any]:
    return {
        "seq": seq,
        "at": at.astimezone(UTC).strftime(_AT_FORMAT),
        "actor_id": actor_id,
        "actor_name": actor_name,
        "unit_id": unit_id,
        "unit_path": unit_path,
        "division_path": division_path,
        "ip": ip,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "object_repr": object_repr,
        "before": before,
        "after": after,
    }


def chain_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    return sm3(prev_hash.encode("ascii") + _canonical(fields))


def record(
    *,
    action: str,
    actor: User | None = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    before: Any = None,
    after: Any = None,
    ip: str | None = None,
    actor_name: str = "",
) -> AuditEvent:
    """Append one event. Must run inside the transaction of the write it records."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
    _check_labels(action, object_type, before, after)
    if obj is not None:
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:255]
    unit = getattr(actor, "unit", None) if actor is not None else None
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            id=1, defaults={"seq": 0, "hash": GENESIS}
        )
        fields = _hashed_fields(
            seq=head.seq + 1,
            at=timezone.now(),
            actor_id=actor.pk if actor is not None else None,
            actor_name=(actor.name or actor.username) if actor is not None else actor_name,
            unit_id=unit.pk if unit is not None else None,
            unit_path=unit.path if unit is not None else "",
            division_path=unit.division.path if unit is not None else "",
            ip=current_ip.get() if ip is None else ip,
            action=action,
            object_type=object_type,
            object_id=object_id,
            object_repr=object_repr[:255],
            before=to_json_value(before),
            after=to_json_value(after),
        )
        digest = chain_hash(head.hash, fields)
        event = AuditEvent.objects.create(
            seq=fields["seq"],
            at=datetime.strptime(fields["at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC),
            actor=actor,
            actor_name=fields["actor_name"],
            unit=unit,
            unit_path=fields["unit_path"],
            division_path=fields["division_path"],
            ip=fields["ip"],
            action=action,
            object_type=object_type,
            object_id=object_id,
            object_repr=fields["object_repr"],
            before=fields["before"],
            after=fields["after"],
            prev_hash=head.hash,
            hash=digest,
        )
        head.seq = fields["seq"]
        head.hash = digest
        head.save(update_fields=["seq", "hash"])
    return event


def _check_labels(action: str, object_type: str, before: Any, after: Any) -> None:
    """Under test, an action or field the audit page would show as a code is an error."""
    from fazhi.core import audit_labels

    if not audit_labels.strict():
        return
    problems = audit_labels.missing(action, object_type, (before, after))
    if problems:
        import os

        if path := os.environ.get("FAZHI_AUDIT_MISSING_LOG"):
            with open(path, "a", encoding="utf-8") as log:
                log.write("\n".join(problems) + "\n")
            return
        raise AssertionError(
            "审计日志会显示内部代码，请在模块的 labels.py 中登记：" + "；".join(problems)
        )


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    broken_seq: int | None = None
    broken_id: int | None = None
    reason: str = ""


_HASHED = (
    "seq", "at", "actor_id", "actor_name", "unit_id", "unit_path", "division_path", "ip",
    "action", "object_type", "object_id", "object_repr", "before", "after",
)  # fmt: skip


def _select(batch: int) -> str:
    # Raw SQL with keyset pagination on the unique seq index: the ORM's per-row converters
    # would double the time of a million-row walk. JSON is read as text on both databases.
    table = AuditEvent._meta.db_table
    as_text = "::text" if connection.vendor == "postgresql" else ""
    columns = ", ".join(
        f"{c}{as_text}" if c in ("before", "after") else c for c in ("id", *_HASHED)
    )
    return (
        f"SELECT {columns}, prev_hash, hash FROM {table} "  # noqa: S608 (no user input)
        f"WHERE seq > %s ORDER BY seq LIMIT {int(batch)}"
    )


def _as_datetime(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(str(value)).replace(tzinfo=UTC)


def _as_json(value: Any) -> Any:
    return None if value is None else json.loads(value)


def verify(batch: int = 20_000) -> VerifyResult:
    """Walk the whole chain in sequence order and name the first event that does not fit."""
    prev = GENESIS
    expected_seq = 1
    checked = 0
    sql = _select(batch)
    last_seq = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(sql, [last_seq])
            rows = cursor.fetchall()
        if not rows:
            break
        for row in rows:
            row_id, seq = row[0], row[1]
            if seq != expected_seq:
                return VerifyResult(
                    False, checked, seq, row_id,
                    f"序号不连续：应为 {expected_seq}，实际为 {seq}（之前的事件被删除或插入）",
                )  # fmt: skip
            if row[-2] != prev:
                return VerifyResult(
                    False, checked, seq, row_id, "前序哈希与上一事件不符（顺序被改动）"
                )
            fields = dict(zip(_HASHED, row[1:-2], strict=True))
            fields["at"] = _as_datetime(fields["at"]).strftime(_AT_FORMAT)
            fields["before"] = _as_json(fields["before"])
            fields["after"] = _as_json(fields["after"])
            if chain_hash(prev, fields) != row[-1]:
                return VerifyResult(False, checked, seq, row_id, "内容与哈希不符（事件被修改）")
            prev = row[-1]
            expected_seq += 1
            checked += 1
        last_seq = rows[-1][1]
    head = AuditChainHead.objects.filter(id=1).first()
    if head is not None and (head.seq != checked or head.hash != prev):
        return VerifyResult(
            False, checked, head.seq, None,
            f"链尾不符：记录的最后序号为 {head.seq}，实际校验到 {checked}（末尾事件被删除）",
        )  # fmt: skip
    return VerifyResult(True, checked)
