"""Every write to a disclosure request: intake (office and portal), the steps on the engine,
the applicant's own steps by query code, and the daily 视为放弃 check."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from fazhi.core import audit, notifications
from fazhi.core.models import Organisation, Permission, User
from fazhi.core.services import _require
from fazhi.core.text import compact, control_message, normalise, tidy
from fazhi.core.validators import validate_phone, validate_ric, validate_uscc
from fazhi.disclosure import documents
from fazhi.disclosure import procedure as proc
from fazhi.disclosure.models import (
    ApplicantType,
    Channel,
    DisclosureDesk,
    DisclosureRequest,
    LetterKind,
    LookupFailure,
    Outcome,
    ReplyType,
)
from fazhi.procedures import services as engine_services
from fazhi.procedures.models import Case, CaseEvent
from fazhi.procedures.services import Upload

DUPLICATE_WINDOW = timedelta(minutes=1)
MAX_DESCRIPTION = 5000
FINGERPRINT_SALT = "fazhi.disclosure.fingerprint"
CODE_REF_SALT = "fazhi.disclosure.code_ref"
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over the phone


# --- codes ---------------------------------------------------------------------------


def new_query_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def normalise_code(value: str) -> str:
    raw = re.sub(r"[^0-9A-Z]", "", normalise(value or "").upper())
    return f"{raw[:5]}-{raw[5:]}" if len(raw) == 10 else raw


# --- Art. 31: the receipt date ----------------------------------------------------------


def receipt_date(
    *,
    channel: str,
    submitted_on: date,
    letter_kind: str = "",
    signed_on: date | None = None,
    confirmed_on: date | None = None,
) -> tuple[date, str]:
    """收到申请之日 under 条例第三十一条, and the sentence saying why."""
    if channel == Channel.IN_PERSON:
        return submitted_on, (
            f"当面提交：以提交之日 {submitted_on.isoformat()} 为收到申请之日（条例第三十一条第一项）"
        )
    if channel == Channel.LETTER:
        if letter_kind == LetterKind.REGISTERED:
            if signed_on is None:
                raise ValidationError("需签收的邮件请填写签收日期（条例第三十一条第二项）")
            if signed_on < submitted_on:
                raise ValidationError("签收日期不能早于邮件到达日期")
            return signed_on, (
                f"以邮寄方式提交（需签收）：以签收之日 {signed_on.isoformat()} 为收到申请之日"
                f"（条例第三十一条第二项）"
            )
        if letter_kind == LetterKind.ORDINARY:
            if confirmed_on is None:
                raise ValidationError(
                    "平常信函请填写与申请人确认的日期：应当于收到当日与申请人确认（条例第三十一条第二项）"
                )
            if confirmed_on < submitted_on:
                raise ValidationError("确认日期不能早于信函到达日期")
            return confirmed_on, (
                f"平常信函：以与申请人确认之日 {confirmed_on.isoformat()} 为收到申请之日"
                f"（条例第三十一条第二项）"
            )
        raise ValidationError("请选择信函类型：需签收的邮件或平常信函")
    if channel in (Channel.ONLINE, Channel.FAX):
        if confirmed_on is None:
            raise ValidationError(
                "通过互联网或者传真提交的，请填写双方确认之日（条例第三十一条第三项）"
            )
        if confirmed_on < submitted_on:
            raise ValidationError("双方确认之日不能早于申请提交日期")
        how = "互联网渠道" if channel == Channel.ONLINE else "传真"
        return confirmed_on, (
            f"通过{how}提交：以双方确认之日 {confirmed_on.isoformat()} 为收到申请之日"
            f"（条例第三十一条第三项）"
        )
    raise ValidationError(f"申请方式“{channel}”无效")


# --- the application ----------------------------------------------------------------------


@dataclass(frozen=True)
class Application:
    """What the applicant wrote (条例第二十九条)."""

    applicant_type: str
    applicant_name: str
    description: str
    phone: str = ""
    email: str = ""
    address: str = ""
    id_number: str = ""
    form: str = ""

    def checked(self) -> Application:
        """The application as it will be stored, or every problem at once (Chinese).

        Text is kept as typed (core.text.tidy: full-width punctuation stays); the phone, the
        ID number and the email address are identifiers and are width-folded.
        """
        errors: list[str] = []

        def typed(value: str, label: str) -> str:
            text = tidy(value)
            message = control_message(text, label)
            if message:
                errors.append(message)
            return text

        name = typed(self.applicant_name, "申请人姓名或者名称")
        description = typed(self.description, "所需信息描述")
        address = typed(self.address, "通信地址")
        form = typed(self.form, "获取信息的方式")
        phone = tidy(self.phone)
        email = normalise(typed(self.email, "电子邮箱"))
        id_number = tidy(self.id_number)
        if self.applicant_type not in ApplicantType.values:
            errors.append("请选择申请人类型")
        if not name:
            errors.append("请填写申请人姓名或者名称（条例第二十九条）")
        if not (phone or email or address):
            errors.append("请至少填写一种联系方式：联系电话、电子邮箱或通信地址（条例第二十九条）")
        if phone:
            try:
                phone = validate_phone(phone)
            except ValidationError as exc:
                errors.extend(exc.messages)
        if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
            errors.append("电子邮箱格式不正确")
        if len(description) < 4:
            errors.append("请描述所需政府信息的名称、文号或者便于查询的其他特征（条例第二十九条）")
        if len(description) > MAX_DESCRIPTION:
            errors.append(f"所需信息描述不能超过 {MAX_DESCRIPTION} 字")
        if id_number:
            try:
                if self.applicant_type == ApplicantType.PERSON:
                    id_number = validate_ric(id_number)
                else:
                    id_number = validate_uscc(compact(id_number).upper())
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return Application(
            applicant_type=self.applicant_type, applicant_name=name[:128],
            description=description, phone=phone, email=email, address=address[:255],
            id_number=id_number, form=form[:64],
        )  # fmt: skip

    def fingerprint(self, unit: Organisation) -> str:
        """The same application typed twice compares equal: width and spaces do not count.

        Keyed (HMAC with the secret key): a plain hash of name and phone would give the
        phone back to anyone who tries the few hundred million numbers.
        """
        key = "|".join(
            compact(part)
            for part in (str(unit.pk), self.applicant_name, self.phone, self.email,
                         self.description)
        )  # fmt: skip
        return salted_hmac(FINGERPRINT_SALT, key, algorithm="sha256").hexdigest()

    def as_inputs(self) -> dict[str, Any]:
        return {
            "applicant_type": self.applicant_type, "applicant_name": self.applicant_name,
            "description": self.description, "phone": self.phone, "email": self.email,
            "address": self.address, "id_number": self.id_number, "form": self.form,
        }  # fmt: skip


def _title(app: Application) -> str:
    first = app.description.splitlines()[0]
    return f"{app.applicant_name}：{first[:60]}"


def _unique_code() -> str:
    while True:
        code = new_query_code()
        if not DisclosureRequest.objects.filter(query_code=code).exists():
            return code


def disclosure_register(
    *,
    actor: User,
    unit: Organisation,
    application: Application,
    channel: str,
    submitted_on: date,
    letter_kind: str = "",
    signed_on: date | None = None,
    confirmed_on: date | None = None,
    uploads: list[Upload] | None = None,
) -> DisclosureRequest:
    """The office registers a request received in person, by letter, online or by fax."""
    engine_services.check_open(actor=actor, procedure=proc.CODE, action="register", unit=unit)
    app = application.checked()
    received_on, basis = receipt_date(
        channel=channel, submitted_on=submitted_on, letter_kind=letter_kind,
        signed_on=signed_on, confirmed_on=confirmed_on,
    )  # fmt: skip
    if submitted_on > timezone.localdate():
        raise ValidationError("提交日期不能晚于今天")
    with transaction.atomic():
        case, _ = engine_services.case_open(
            actor=actor, procedure=proc.CODE, action="register", unit=unit,
            title=_title(app), on=received_on, uploads=uploads,
            inputs={**app.as_inputs(), "query_code": _unique_code(), "channel": channel,
                    "letter_kind": letter_kind if channel == Channel.LETTER else "",
                    "submitted_on": submitted_on, "receipt_basis": basis,
                    "fingerprint": app.fingerprint(unit)},
        )  # fmt: skip
    created: DisclosureRequest = DisclosureRequest.objects.select_related("case").get(case=case)
    return created


def desks_online() -> list[DisclosureDesk]:
    return list(DisclosureDesk.objects.filter(accepts_online=True).select_related("unit"))


def desk_set(
    *,
    actor: User | None,
    unit: Organisation,
    accepts_online: bool = True,
    address: str = "",
    phone: str = "",
) -> DisclosureDesk:
    """Name a unit's 公开受理机构 (shown on the portal when it takes online requests)."""
    _require(actor, Permission.MANAGE_SYSTEM)
    with transaction.atomic():
        desk, created = DisclosureDesk.objects.update_or_create(
            unit=unit,
            defaults={"accepts_online": accepts_online, "address": address, "phone": phone},
        )
        audit.record(
            action="disclosure.desk_set", actor=actor, obj=desk,
            after={"accepts_online": accepts_online, "created": created},
        )  # fmt: skip
    return desk


def disclosure_submit(
    *,
    unit_id: int,
    application: Application,
    attachment: Upload | None = None,
    ip: str = "",
) -> DisclosureRequest:
    """A citizen submits on the portal (no login): the request waits for the office to
    confirm receipt, which fixes 收到申请之日 (条例第三十一条第三项)."""
    app = application.checked()
    if not app.phone:
        raise ValidationError("网上申请请填写联系电话：查询办理进度时需要核对电话号码后四位")
    today = timezone.localdate()
    with transaction.atomic():
        desk = (
            DisclosureDesk.objects.select_for_update()
            .select_related("unit")
            .filter(unit_id=unit_id, accepts_online=True)
            .first()
        )
        if desk is None:
            raise ValidationError("请选择受理申请的机关")
        # The desk row is locked: two identical submissions cannot both pass this check.
        fingerprint = app.fingerprint(desk.unit)
        recent = DisclosureRequest.objects.filter(
            fingerprint=fingerprint, submitted_at__gte=timezone.now() - DUPLICATE_WINDOW
        )
        if recent.exists():
            raise ValidationError(
                "相同的申请刚刚已经提交，请勿重复提交；如需查询，请使用上次取得的查询码"
            )
        case, _ = engine_services.case_open(
            actor=None, procedure=proc.CODE, action="submit", unit=desk.unit,
            title=_title(app), on=today, number=False, actor_name=f"申请人 {app.applicant_name}",
            uploads=[attachment] if attachment else None,
            inputs={**app.as_inputs(), "query_code": _unique_code(), "channel": Channel.ONLINE,
                    "submitted_on": today, "fingerprint": fingerprint},
        )  # fmt: skip
    created: DisclosureRequest = DisclosureRequest.objects.select_related("case").get(case=case)
    return created


# --- steps ----------------------------------------------------------------------------


def disclosure_act(
    *,
    actor: User,
    request_id: int,
    action: str,
    on: date,
    version: int | None,
    inputs: dict[str, Any] | None = None,
    uploads: list[Upload] | None = None,
) -> CaseEvent:
    """A staff step (confirm, ask_correction, consult, extend, reply, serve, withdraw…)."""
    found = DisclosureRequest.objects.visible_to(actor).filter(pk=request_id).first()
    if found is None:
        raise ValidationError("申请不存在或无权办理")
    given = dict(inputs or {})
    if action == "confirm":
        given["receipt_basis"] = (
            f"通过互联网渠道提交：以双方确认之日 {on.isoformat()} 为收到申请之日"
            f"（条例第三十一条第三项）"
        )
    return engine_services.case_act(
        actor=actor, case_id=found.case_id, action=action, on=on, version=version,
        inputs=given, uploads=uploads, number=action == "confirm",
    )  # fmt: skip


# --- the applicant's status look-up ---------------------------------------------------


@dataclass(frozen=True)
class LookupLimits:
    """How many failed look-ups are let through, counted in the database (LookupFailure).

    Per (code, address) a typist who mistook a digit has room; per address a guesser
    trying many codes is stopped; per code a guesser with many addresses is stopped at a
    ceiling well above what one address may do, so that whoever holds a code cannot lock
    the applicant out from one address: the applicant, elsewhere, still gets in.
    """

    per_code_and_address: int = 10
    per_code_and_address_window: timedelta = timedelta(days=1)
    per_address: int = 20
    per_address_window: timedelta = timedelta(hours=1)
    per_code: int = 50
    per_code_window: timedelta = timedelta(days=1)

    @property
    def longest_window(self) -> timedelta:
        return max(self.per_code_and_address_window, self.per_address_window,
                   self.per_code_window)  # fmt: skip


LOOKUP_LIMITS = LookupLimits()
LOOKUP_WRONG = "查询码或电话号码后四位不正确"


def code_ref(code: str) -> str:
    """A keyed hash of a query code, for counting and auditing failed look-ups without
    keeping the code; an investigator holding a code computes its ref with this."""
    return salted_hmac(CODE_REF_SALT, normalise_code(code), algorithm="sha256").hexdigest()[:16]


def _lifted_at(failures: Any, limit: int, window: timedelta) -> datetime | None:
    """When ``limit`` failures within ``window`` stop counting, or None if fewer were made."""
    nth = failures.order_by("-at").values_list("at", flat=True)[limit - 1 : limit]
    found = list(nth)
    return found[0] + window if found else None


def _lookup_refusal(ref: str, address: str, now: datetime) -> tuple[str, str]:
    """(reason, Chinese message) when this look-up is not let through at all."""
    limits = LOOKUP_LIMITS
    recent = LookupFailure.objects.filter(at__gt=now - limits.longest_window)

    def shown(at: datetime) -> str:
        return timezone.localtime(at).strftime("%Y-%m-%d %H:%M")

    lifted = _lifted_at(
        recent.filter(code_ref=ref, address=address,
                      at__gt=now - limits.per_code_and_address_window),
        limits.per_code_and_address, limits.per_code_and_address_window,
    )  # fmt: skip
    if lifted is not None:
        return "code_and_address", (
            f"该查询码的查询失败次数过多，请于 {shown(lifted)} 后再试；"
            "如不记得登记的电话号码，请联系受理机关"
        )
    lifted = _lifted_at(
        recent.filter(address=address, at__gt=now - limits.per_address_window),
        limits.per_address, limits.per_address_window,
    )  # fmt: skip
    if lifted is not None:
        return "address", f"本网络地址的查询失败次数过多，请于 {shown(lifted)} 后再试"
    lifted = _lifted_at(
        recent.filter(code_ref=ref, at__gt=now - limits.per_code_window),
        limits.per_code, limits.per_code_window,
    )  # fmt: skip
    if lifted is not None:
        return "code", (
            f"该查询码的查询失败次数过多，网上查询暂停至 {shown(lifted)}；"
            "请联系受理机关查询办理进度"
        )
    return "", ""


def disclosure_lookup(*, code: str, phone_last4: str, address: str) -> DisclosureRequest:
    """The request whose query code and phone match, for the portal's status page.

    Refused (ValidationError, never saying which half was wrong) when they do not match, or
    before checking when too many look-ups failed (LOOKUP_LIMITS). Every failure is counted
    in the database and audited with the code's ref, never the code or the digits tried.
    """
    now = timezone.now()
    address = address[:45]
    ref = code_ref(code)
    reason, message = _lookup_refusal(ref, address, now)
    if reason:
        with transaction.atomic():
            audit.record(
                action="disclosure.lookup_refused", actor_name="公众", ip=address,
                object_type="disclosure.disclosurerequest", after={"code": ref, "limit": reason},
            )  # fmt: skip
        raise ValidationError(message)
    normalised = normalise_code(code)
    found: DisclosureRequest | None = (
        DisclosureRequest.objects.select_related("case").filter(query_code=normalised).first()
    )
    last4 = re.sub(r"[^0-9]", "", normalise(phone_last4 or ""))
    if (
        found is not None
        and len(last4) == 4
        and found.phone_last4
        and secrets.compare_digest(found.phone_last4, last4)
    ):
        return found
    with transaction.atomic():
        LookupFailure.objects.create(code_ref=ref, address=address, at=now)
        audit.record(
            action="disclosure.lookup_failed", actor_name="公众", ip=address,
            object_type="disclosure.disclosurerequest",
            # Which request someone is trying, when the code exists (not its number or code).
            object_id=str(found.pk) if found is not None else "",
            after={"code": ref},
        )  # fmt: skip
    raise ValidationError(LOOKUP_WRONG)


def lookup_failures_clean(today: date | None = None) -> int:
    """`fazhi tick`: failures older than the longest window count no more; remove them."""
    old = LookupFailure.objects.filter(at__lt=timezone.now() - LOOKUP_LIMITS.longest_window)
    deleted, _ = old.delete()
    return deleted


def disclosure_supply(
    *, request: DisclosureRequest, text: str, attachment: Upload | None = None
) -> CaseEvent:
    """The applicant supplies the 补正 on the portal (identity already proved by the caller);
    the office's case handlers are told, since the reply period runs again from today."""
    with transaction.atomic():
        event = engine_services.case_act(
            actor=None, case_id=request.case_id, action="supply", on=timezone.localdate(),
            version=None, inputs={"text": text}, uploads=[attachment] if attachment else None,
            actor_name=f"申请人 {request.applicant_name}",
        )  # fmt: skip
        case = Case.objects.get(pk=request.case_id)
        notifications.notify_role(
            case.owner_unit_id, Permission.HANDLE_CASES, kind="disclosure.supply",
            url=reverse("disclosure:detail", args=[request.pk]),
            text=f"申请人已提交补正：{case.number or case.title}，答复期限重新计算至 "
            f"{case.due_on.isoformat() if case.due_on else '—'}",
        )  # fmt: skip
    return event


def disclosure_expire_corrections(today: date | None = None) -> int:
    """`fazhi tick`: requests whose 补正 period ended without a reply are treated as
    abandoned (条例第三十条), on the first day after the period."""
    today = today or timezone.localdate()
    due = Case.objects.filter(
        procedure=proc.CODE, state=proc.CORRECTION, due_on__lt=today
    ).values_list("pk", "due_on")
    done = 0
    for pk, due_on in list(due):
        try:
            engine_services.case_act(
                actor=None, case_id=pk, action="abandon", on=due_on + timedelta(days=1),
                version=None, actor_name="系统（补正期限届满）",
            )  # fmt: skip
        except ValidationError:
            continue  # supplied or withdrawn meanwhile
        done += 1
    return done


# --- the engine's hooks ------------------------------------------------------------------


def apply_event(case: Case, event: CaseEvent, inputs: dict[str, Any]) -> None:
    """Keep the request's own columns in step with the event just written."""
    if event.action in ("register", "submit"):
        fields = {k: inputs.get(k, "") for k in (
            "query_code", "channel", "letter_kind", "receipt_basis", "applicant_type",
            "applicant_name", "id_number", "phone", "email", "address", "description", "form",
            "fingerprint",
        )}  # fmt: skip
        DisclosureRequest.objects.create(
            case=case, owner_unit=case.owner_unit, created_by=case.created_by,
            submitted_on=inputs["submitted_on"],
            received_on=event.on if event.action == "register" else None, **fields,
        )  # fmt: skip
        return
    request = DisclosureRequest.objects.get(case=case)
    changed: list[str] = []
    if event.action == "confirm":
        request.received_on = event.on
        request.receipt_basis = inputs.get("receipt_basis", "")
        changed = ["received_on", "receipt_basis"]
    elif event.action == "reply":
        due = (
            case.events.filter(seq__lt=event.seq)
            .order_by("-seq")
            .values_list("due_after", flat=True)
            .first()
        )
        request.reply_type = inputs["reply_type"]
        request.replied_on = event.on
        request.reply_due_on = due
        request.replied_on_time = due is not None and event.on <= due
        request.outcome = inputs["reply_type"]
        request.concluded_on = event.on
        changed = ["reply_type", "replied_on", "reply_due_on", "replied_on_time", "outcome",
                   "concluded_on"]  # fmt: skip
    elif event.action in ("withdraw", "abandon"):
        request.outcome = Outcome.WITHDRAWN if event.action == "withdraw" else Outcome.ABANDONED
        request.concluded_on = event.on
        changed = ["outcome", "concluded_on"]
    if changed:
        request.save(update_fields=changed)


def document_context(case: Case, event: CaseEvent, inputs: dict[str, Any]) -> dict[str, Any]:
    request = DisclosureRequest.objects.get(case=case)
    context: dict[str, Any] = {
        "applicant_name": request.applicant_name,
        "description": request.description,
        "query_code": request.query_code,
        "received_on": request.received_on or "",
        "submitted_on": request.submitted_on,
        "channel": request.get_channel_display(),
        "receipt_basis": request.receipt_basis,
        "reply_due_on": case.due_on or "",
    }
    if event.action == "reply":
        context["reply_type_label"] = ReplyType(inputs["reply_type"]).label
        context["remedy"] = documents.remedy(case.owner_unit, inputs["reply_type"])
    if event.action == "extend":
        context["days"] = inputs.get("days", "")
    return context
