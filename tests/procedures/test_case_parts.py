"""A case's parts on its timeline page: parties, participating units, links and 日程 are
added (and a party removed, a 日程 cancelled) through the page by the staff of the case's
own unit; hostile input is refused in Chinese and writes nothing; whoever else sees the case
reads the lists, gets no forms, and a forged POST from them is refused; personal data never
reaches the HTML."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from fazhi.core import crypto
from fazhi.core import services as core_services
from fazhi.core.models import AuditEvent, Organisation, OrgKind
from fazhi.procedures import engine, services
from fazhi.procedures.models import (
    Case,
    CaseAppointment,
    CaseLink,
    CaseParticipant,
    CaseParty,
)
from tests.conftest import PASSWORD, client_for
from tests.procedures import testproc

pytestmark = pytest.mark.django_db

ID_NUMBER = "11010519491231002X"  # a valid 公民身份号码 (check digit X)
PHONE = "13907941234"
FORMULA = '=HYPERLINK("http://x","点我")'


@pytest.fixture
def proc():
    engine.register(testproc.PROCEDURE)
    yield testproc.PROCEDURE
    engine.unregister(testproc.CODE)


def _today() -> date:
    return timezone.localdate()


def _open(actor, unit, title="某公司未按规定报送材料案") -> Case:
    case, _ = services.case_open(
        actor=actor, procedure=testproc.CODE, action="file", unit=unit, title=title,
        on=_today(),
    )  # fmt: skip
    return case


@pytest.fixture
def case(world, proc) -> Case:
    return _open(world.clerk_a, world.gov_a)


def _url(name: str, case: Case, *args: int) -> str:
    return reverse(f"procedures:{name}", args=[case.pk, *args])


def _timeline(case: Case) -> str:
    return _url("timeline", case)


def _rows() -> tuple[int, ...]:
    return (
        CaseParty.objects.count(),
        CaseParticipant.objects.count(),
        CaseLink.objects.count(),
        CaseAppointment.objects.filter(cancelled=False).count(),
    )


def _audits() -> list[str]:
    return list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))


def _new_audits(before: list[str]) -> list[str]:
    return _audits()[len(before) :]


def _errors(page: str) -> str:
    """The error messages the page shows (django messages), joined."""
    return " ".join(re.findall(r'<li class="msg error"[^>]*>(.*?)</li>', page, re.S))


def _future(days: int = 30) -> str:
    return (_today() + timedelta(days=days)).isoformat()


def _party_post(**overrides: str) -> dict[str, str]:
    data = {"role": "third_party", "name": "李四", "id_number": ID_NUMBER, "phone": PHONE,
            "address": "抚州市临川区赣东大道1号"}  # fmt: skip
    data.update(overrides)
    return {f"party-{k}": v for k, v in data.items()}


def _appointment_post(**overrides: str) -> dict[str, str]:
    data = {"kind": "hearing", "label": "", "on": _future(), "place": "区政府三楼听证室",
            "note": ""}  # fmt: skip
    data.update(overrides)
    return {f"appointment-{k}": v for k, v in data.items()}


def _participant_post(unit: int | str, role: str = "assisting") -> dict[str, str]:
    return {"participant-unit": str(unit), "participant-role": role}


def _link_post(target: str, kind: str = "related", note: str = "") -> dict[str, str]:
    return {"link-target": target, "link-kind": kind, "link-note": note}


def _user(username: str, unit: Organisation, roles: list[str]):
    return core_services.user_create(
        actor=None, username=username, name=username, unit=unit, password=PASSWORD, roles=roles
    )


# --- the clerk of the case's unit: each form writes one row and one audit event -------------


def test_a_clerk_registers_a_third_party_and_the_page_shows_it_masked(world, case):
    client = client_for(world.clerk_a)
    rows, audits = _rows(), _audits()
    response = client.post(_url("party_add", case), _party_post())
    assert response.status_code == 302
    assert response["Location"] == _timeline(case) + "#parts"
    assert _rows() == (rows[0] + 1, *rows[1:])
    assert _new_audits(audits) == ["case.party_added"]
    party = CaseParty.objects.get(case=case)
    assert (party.role, party.name) == ("third_party", "李四")
    assert all(crypto.is_sealed(sealed) for sealed in (party.id_number, party.phone))
    assert (crypto.unseal(party.id_number), crypto.unseal(party.phone)) == (ID_NUMBER, PHONE)
    audited = AuditEvent.objects.get(action="case.party_added").after
    assert (audited["id_number"], audited["phone"]) == (crypto.MASK, crypto.MASK)

    page = client.get(_timeline(case)).content.decode()
    assert "已登记第三人“李四”" in page
    assert f'data-party="{party.pk}"' in page
    assert page.count(crypto.MASK) >= 2
    for secret in (ID_NUMBER, PHONE, ID_NUMBER[-4:] + "<", "1949123"):
        assert secret not in page


def test_a_party_form_refused_for_one_field_does_not_echo_the_id_number(world, case):
    response = client_for(world.clerk_a).post(_url("party_add", case), _party_post(phone="abc"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "联系电话格式不正确" in _errors(page)
    assert ID_NUMBER not in page
    assert 'value="李四"' in page  # the rest of what was typed is kept
    assert CaseParty.objects.count() == 0


def test_a_formula_typed_as_a_name_is_kept_as_text_and_shown_escaped(world, case):
    # As on the portal (tests/core/test_input_gate.py): a name is what the person typed;
    # exports write it as text, never as a live formula, and the page escapes it.
    client = client_for(world.clerk_a)
    response = client.post(_url("party_add", case), _party_post(name=FORMULA, id_number=""))
    assert response.status_code == 302
    assert CaseParty.objects.get().name == FORMULA
    page = client.get(_timeline(case)).content.decode()
    assert "=HYPERLINK(&quot;http://x&quot;,&quot;点我&quot;)" in page
    assert FORMULA not in page


def test_a_clerk_brings_in_a_unit_of_another_branch(world, case):
    client = client_for(world.clerk_a)
    page = client.get(_timeline(case)).content.decode()
    assert f'<option value="{world.justice.pk}">' in page
    assert f'<option value="{world.gov_a.pk}">' not in page  # the case's own unit
    rows, audits = _rows(), _audits()
    response = client.post(_url("participant_add", case), _participant_post(world.justice.pk))
    assert response.status_code == 302
    assert _rows() == (rows[0], rows[1] + 1, *rows[2:])
    assert _new_audits(audits) == ["case.participant_added"]
    page = client.get(_timeline(case)).content.decode()
    assert "“抚州市司法局”已作为协办单位参与本案" in page
    assert f'data-participant="{world.justice.pk}"' in page


def test_a_clerk_links_a_case_by_its_number_or_its_id(world, case):
    client = client_for(world.clerk_a)
    other = _open(world.clerk_a, world.gov_a, title="复议案")
    third = _open(world.clerk_a, world.gov_a, title="诉讼案")
    audits = _audits()
    response = client.post(_url("link_add", case), _link_post(other.number, "reconsideration"))
    assert response.status_code == 302
    response = client.post(_url("link_add", case), _link_post(str(third.pk), "litigation"))
    assert response.status_code == 302
    assert _new_audits(audits) == ["case.linked", "case.linked"]
    assert {(link.target_id, link.kind) for link in case.links_out.all()} == {
        (other.pk, "reconsideration"), (third.pk, "litigation")
    }  # fmt: skip
    page = client.get(_timeline(case)).content.decode()
    assert f'href="{_timeline(other)}"' in page


def test_a_clerk_fixes_a_hearing_on_a_future_date(world, case):
    client = client_for(world.clerk_a)
    rows, audits = _rows(), _audits()
    response = client.post(_url("appointment_add", case), _appointment_post())
    assert response.status_code == 302
    assert response["Location"] == _timeline(case) + "#agenda"
    assert _rows() == (*rows[:3], rows[3] + 1)
    assert _new_audits(audits) == ["case.appointment_set"]
    row = CaseAppointment.objects.get()
    assert (row.kind, row.label, row.on.isoformat()) == ("hearing", "听证会", _future())
    page = client.get(_timeline(case)).content.decode()
    assert f"{_future()} 听证会 · 区政府三楼听证室" in page


def test_a_wrong_party_is_removed_and_a_hearing_cancelled_audited(world, case):
    party = services.case_party_add(actor=world.clerk_a, case_id=case.pk, role="party",
                                    name="王五", id_number=ID_NUMBER)  # fmt: skip
    hearing = services.case_appointment_set(actor=world.clerk_a, case_id=case.pk,
                                            kind="hearing", on=_today() + timedelta(days=9))  # fmt: skip
    client = client_for(world.clerk_a)
    audits = _audits()
    assert client.post(_url("party_remove", case, party.pk)).status_code == 302
    assert client.post(_url("appointment_cancel", case, hearing.pk)).status_code == 302
    assert _new_audits(audits) == ["case.party_removed", "case.appointment_cancelled"]
    assert not CaseParty.objects.filter(pk=party.pk).exists()
    removed = AuditEvent.objects.get(action="case.party_removed").before
    assert (removed["name"], removed["id_number"]) == ("王五", crypto.MASK)
    hearing.refresh_from_db()
    assert hearing.cancelled
    page = client.get(_timeline(case)).content.decode()
    assert "王五" not in page.split('id="parts"')[1]
    assert f'data-appointment="{hearing.pk}"' not in page
    # Twice: refused, nothing more written.
    audits = _audits()
    again = client.post(_url("appointment_cancel", case, hearing.pk), follow=True)
    assert "已经取消" in _errors(again.content.decode())
    gone = client.post(_url("party_remove", case, party.pk), follow=True)
    assert "未找到该当事人" in _errors(gone.content.decode())
    assert _audits() == audits


# --- hostile input: a Chinese message, and nothing written --------------------------------

HOSTILE = [
    ("party", _party_post(name="张\x00三"), "控制字符"),
    ("party", _party_post(name="张\x07三"), "控制字符"),
    ("party", _party_post(name="\x1b[31m张三"), "控制字符"),
    ("party", _party_post(address="赣东大道\x1b1号"), "控制字符"),
    ("party", _party_post(name="张" * 10_000), "“姓名或名称”：确保该变量包含不超过 128 字符"),
    ("party", _party_post(name="   "), "“姓名或名称”：这个字段是必填项"),
    ("party", _party_post(id_number="110105194912310021"), "身份证号码无效"),
    ("party", _party_post(id_number="12345"), "身份证号码无效"),
    ("party", _party_post(role="boss"), "“身份”：选择一个有效的选项"),
    ("appointment", _appointment_post(on="2020-01-01"), "早于今天"),
    ("appointment", _appointment_post(on="9999-12-31"), "晚于"),
    ("appointment", _appointment_post(on="2026-13-01"), "日期格式不正确"),
    ("appointment", _appointment_post(on=""), "“日期”：这个字段是必填项"),
    ("appointment", _appointment_post(label="听证\x07会"), "控制字符"),
    ("appointment", _appointment_post(kind="party"), "“类别”：选择一个有效的选项"),
    ("appointment", _appointment_post(place="x" * 300), "“地点”：确保该变量包含不超过 255 字符"),
    ("participant", _participant_post("abc"), "所选单位不存在或已停用"),
    ("participant", _participant_post(999_999), "所选单位不存在或已停用"),
    ("participant", _participant_post(""), "“参与单位”：这个字段是必填项"),
    ("link", _link_post("临川区人民政府测〔2026〕999号"), "未找到案件"),
    ("link", _link_post("=HYPERLINK(1)\x00"), "控制字符"),
    ("link", _link_post("1", kind="friends"), "“关系”：选择一个有效的选项"),
]


@pytest.mark.parametrize(("name", "data", "message"), HOSTILE)
def test_hostile_input_is_refused_in_chinese_and_writes_nothing(world, case, name, data, message):
    client = client_for(world.clerk_a)  # (logging in is audited)
    rows, audits = _rows(), _audits()
    response = client.post(_url(f"{name}_add", case), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in _errors(page)
    assert _errors(page).startswith("未保存：")
    assert f'<details class="action no-print" open data-part-form="{name}">' in page
    assert _rows() == rows
    assert _audits() == audits


def test_a_unit_choice_outside_the_list_is_refused(world, case):
    gone = core_services.organisation_create(
        actor=None, name="抚州市已撤销局", kind=OrgKind.DEPARTMENT, division=world.city
    )
    Organisation.objects.filter(pk=gone.pk).update(is_active=False)
    client = client_for(world.clerk_a)
    rows, audits = _rows(), _audits()
    for unit in (gone.pk, world.gov_a.pk):  # inactive; the case's own unit
        response = client.post(_url("participant_add", case), _participant_post(unit))
        assert response.status_code == 400
        assert "所选单位不存在或已停用" in _errors(response.content.decode())
    assert (_rows(), _audits()) == (rows, audits)


def test_a_unit_already_taking_part_is_refused_the_second_time(world, case):
    client = client_for(world.clerk_a)
    client.post(_url("participant_add", case), _participant_post(world.justice.pk))
    rows, audits = _rows(), _audits()
    response = client.post(_url("participant_add", case), _participant_post(world.justice.pk))
    assert response.status_code == 400
    assert "“抚州市司法局”已作为“协办单位”参与本案" in _errors(response.content.decode())
    assert (_rows(), _audits()) == (rows, audits)


def test_a_case_cannot_be_linked_to_itself(world, case):
    client = client_for(world.clerk_a)
    rows, audits = _rows(), _audits()
    for target in (case.number, str(case.pk)):
        response = client.post(_url("link_add", case), _link_post(target))
        assert response.status_code == 400
        assert "案件不能与自身关联" in _errors(response.content.decode())
    assert (_rows(), _audits()) == (rows, audits)


def test_a_case_out_of_sight_reads_as_a_case_that_does_not_exist(world, case):
    hidden = _open(world.clerk_b, world.gov_b, title="南城县的保密案件")
    client = client_for(world.clerk_a)
    rows, audits = _rows(), _audits()
    answers = []
    for target in (hidden.number, str(hidden.pk), "南城县人民政府测〔2026〕999", "999999"):
        response = client.post(_url("link_add", case), _link_post(target))
        assert response.status_code == 400
        page = response.content.decode()
        assert "南城县的保密案件" not in page
        answers.append(page.split("未找到案件“", 1)[1].split("”", 1)[1].split("<", 1)[0])
    assert len(set(answers)) == 1  # the same words whether it exists or not
    assert (_rows(), _audits()) == (rows, audits)


# --- who may: the one function decides the page and the services ---------------------------


@pytest.fixture
def readers(world, case):
    """Users who see the case and may not change it: a supervisor (no 办理案件), a unit taking
    part in it (市司法局 as 法制审核机构), another unit's clerk whose scope covers the city."""
    reviewer = _user("justice_clerk", world.justice, ["clerk"])
    services.case_participant_add(actor=world.clerk_a, case_id=case.pk, unit=world.justice,
                                  role="legal_review")  # fmt: skip
    wide = _user("city_clerk", world.city_office, ["supervisor", "clerk"])
    return {"supervisor": world.supervisor, "participant": reviewer, "wide": wide}


def _forged(case: Case, world) -> list[tuple[str, dict[str, str]]]:
    party = services.case_party_add(actor=world.clerk_a, case_id=case.pk, role="party",
                                    name="赵六", id_number=ID_NUMBER, phone=PHONE)  # fmt: skip
    hearing = services.case_appointment_set(actor=world.clerk_a, case_id=case.pk,
                                            kind="hearing", on=_today() + timedelta(days=5))  # fmt: skip
    other = _open(world.clerk_a, world.gov_a, title="另一案")
    return [
        (_url("party_add", case), _party_post()),
        (_url("participant_add", case), _participant_post(world.gov_b.pk)),
        (_url("link_add", case), _link_post(str(other.pk))),
        (_url("appointment_add", case), _appointment_post()),
        (_url("party_remove", case, party.pk), {}),
        (_url("appointment_cancel", case, hearing.pk), {}),
    ]


@pytest.mark.parametrize("who", ["supervisor", "participant", "wide"])
def test_a_reader_sees_the_lists_without_forms_and_a_forged_post_is_refused(
    world, case, readers, who
):
    user = readers[who]
    posts = _forged(case, world)
    client = client_for(user)
    page = client.get(_timeline(case)).content.decode()
    assert all(shown in page for shown in ("赵六", "听证会", crypto.MASK))  # the lists
    for offered in ("data-part-form", "data-remove", "data-cancel", "/parties/", "/appointments/"):
        assert offered not in page
    for secret in (ID_NUMBER, PHONE):
        assert secret not in page
    assert not services.case_edit_allowed(user, case)
    expected = "auth.permission_denied" if who == "supervisor" else "case.action_refused"
    for url, data in posts:
        rows, audits = _rows(), _audits()
        response = client.post(url, data, follow=True)
        assert response.redirect_chain[0][0] == _timeline(case) + "#parts"
        text = response.content.decode()
        reason = "您没有“办理案件”的权限" if who == "supervisor" else "只能办理本单位收到的案件"
        assert _errors(text).startswith("未保存：")
        assert reason in _errors(text)
        assert _rows() == rows
        assert _new_audits(audits) == [expected]  # the refusal, and nothing else


def test_a_clerk_of_another_county_gets_404_and_nothing_is_written(world, case):
    posts = _forged(case, world)
    client = client_for(world.clerk_b)
    assert client.get(_timeline(case)).status_code == 404
    for url, data in posts:
        rows, audits = _rows(), _audits()
        assert client.post(url, data).status_code == 404
        assert _rows() == rows
        assert _new_audits(audits) == ["access.not_found"]


def test_the_page_offers_the_forms_exactly_when_case_edit_allowed_says_so(world, case, readers):
    people = [world.clerk_a, world.admin, *readers.values()]
    for user in people:
        page = client_for(user).get(_timeline(case)).content.decode()
        shown = page.count("data-part-form=")
        assert shown == (4 if services.case_edit_allowed(user, case) else 0), user.username
    assert services.case_edit_allowed(world.clerk_a, case)
    assert services.case_edit_allowed(world.admin, case)  # a superuser may act anywhere


def test_a_refusal_by_the_services_stays_audited(world, case):
    # The check runs before the write's transaction, so its audit event is not rolled back.
    wide = _user("city_clerk", world.city_office, ["supervisor", "clerk"])
    with pytest.raises(PermissionDenied):
        services.case_party_add(actor=world.supervisor, case_id=case.pk, role="party", name="x")
    with pytest.raises(ValidationError, match="只能办理本单位"):
        services.case_appointment_set(
            actor=wide,
            case_id=case.pk, kind="hearing", on=_today() + timedelta(days=3),
        )  # fmt: skip
    assert _audits()[-2:] == ["auth.permission_denied", "case.action_refused"]
    assert _rows() == (0, 0, 0, 0)
