"""The audit trail: append an event in the caller's transaction; verify the SM3 chain."""

from __future__ import annotations

import contextvars
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from fazhi.core.models import AuditChainHead, AuditEvent, User

GENESIS = "0" * 64

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
        "at": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
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


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    broken_seq: int | None = None
    broken_id: int | None = None
    reason: str = ""


_COLUMNS = (
    "id", "seq", "at", "actor_id", "actor_name", "unit_id", "unit_path", "division_path",
    "ip", "action", "object_type", "object_id", "object_repr", "before", "after",
    "prev_hash", "hash",
)  # fmt: skip


def verify(chunk_size: int = 5000) -> VerifyResult:
    """Walk the whole chain in sequence order and name the first event that does not fit."""
    prev = GENESIS
    expected_seq = 1
    checked = 0
    rows = AuditEvent.objects.order_by("seq").values_list(*_COLUMNS)
    for row in rows.iterator(chunk_size=chunk_size):
        data = dict(zip(_COLUMNS, row, strict=True))
        seq, row_id = data["seq"], data["id"]
        if seq != expected_seq:
            return VerifyResult(
                False, checked, seq, row_id,
                f"序号不连续：应为 {expected_seq}，实际为 {seq}（之前的事件被删除或插入）",
            )  # fmt: skip
        if data["prev_hash"] != prev:
            return VerifyResult(False, checked, seq, row_id, "前序哈希与上一事件不符（顺序被改动）")
        fields = _hashed_fields(**{k: data[k] for k in _COLUMNS if k not in _NOT_HASHED})
        if chain_hash(prev, fields) != data["hash"]:
            return VerifyResult(False, checked, seq, row_id, "内容与哈希不符（事件被修改）")
        prev = data["hash"]
        expected_seq += 1
        checked += 1
    head = AuditChainHead.objects.filter(id=1).first()
    if head is not None and (head.seq != checked or head.hash != prev):
        return VerifyResult(
            False, checked, head.seq, None,
            f"链尾不符：记录的最后序号为 {head.seq}，实际校验到 {checked}（末尾事件被删除）",
        )  # fmt: skip
    return VerifyResult(True, checked)


_NOT_HASHED = {"id", "prev_hash", "hash"}
