"""Staff pages with the three personas: the owner sees and acts, the supervisor sees, the
other county gets 404 or nothing."""

from __future__ import annotations

import io
from urllib.parse import quote

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fazhi.core import services as core_services
from fazhi.disclosure.models import DisclosureRequest
from fazhi.procedures.documents import document_text
from tests.conftest import PASSWORD, client_for
from tests.disclosure.helpers import D, act, fresh, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_a(world):
    return register(world, on=D(2026, 9, 28), applicant_name="孙丽")  # due 2026-10-30


def test_the_list_shows_open_requests_to_their_unit_and_the_supervisor_only(world, request_a):
    fresh_one = register(world, on=D(2026, 11, 20), applicant_name="周杰")
    for user in (world.clerk_a, world.supervisor):
        page = client_for(user).get("/disclosure/").content.decode()
        assert "孙丽" in page
        # Overdue (due 10-30) before the later one.
        assert page.index("孙丽") < page.index("周杰")
        assert "已超期" in page
        assert "到期日如何计算" in page
    assert "孙丽" not in client_for(world.clerk_b).get("/disclosure/").content.decode()
    overdue = client_for(world.clerk_a).get("/disclosure/?deadline=overdue").content.decode()
    assert "孙丽" in overdue
    assert "周杰" not in overdue
    assert fresh_one.case.due_on > D(2026, 11, 30)


def test_the_list_exports_to_excel(world, request_a):
    response = client_for(world.clerk_a).get("/disclosure/?format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "办理中的申请"
    assert rows[1][0].startswith("制表单位：临川区人民政府")
    assert rows[2][0] == "案号"
    assert rows[3][2] == "孙丽"
    assert rows[3][7] == "2026-10-30"
    assert sheet.print_title_rows == "$1:$3"
    empty = client_for(world.clerk_b).get("/disclosure/?format=xlsx")
    assert len(list(openpyxl.load_workbook(io.BytesIO(empty.content)).active.iter_rows())) == 3


def test_detail_timeline_and_documents_follow_the_scope(world, request_a):
    doc = request_a.case.documents.get()
    urls = [
        f"/disclosure/{request_a.pk}/",
        f"/cases/{request_a.case_id}/",
        f"/cases/{request_a.case_id}/documents/{doc.pk}/",
    ]
    for url in urls:
        assert client_for(world.clerk_a).get(url).status_code == 200, url
        assert client_for(world.supervisor).get(url).status_code == 200, url
        assert client_for(world.clerk_b).get(url).status_code == 404, url
    timeline = client_for(world.clerk_a).get(urls[1]).content.decode()
    assert "登记受理" in timeline
    assert "第 20 个工作日为 2026-10-30" in timeline


def test_the_office_replies_through_the_page(world, request_a):
    """答复 is drafted on the page, then reviewed and signed on the page; only the signature
    makes it a reply (state, reply date, the document the applicant sees)."""
    from tests.procedures.signers import signer

    client = client_for(world.clerk_a)
    version = fresh(request_a).case.version
    post = {"reply-on": "2026-10-29", "reply-version": version, "reply-reply_type": "public",
            "reply-reply_text": "予以公开，见附件。"}  # fmt: skip
    response = client.post(f"/disclosure/{request_a.pk}/act/reply/", post)
    assert response.status_code == 302
    case = fresh(request_a).case
    assert case.state == "received"
    assert case.awaiting == "review"
    assert not case.documents.filter(for_applicant=True, kind="disclosure.reply").exists()
    # The same form sent again (a double click) is refused with the refresh message.
    again = client.post(f"/disclosure/{request_a.pk}/act/reply/", post, follow=True)
    assert "该申请已被他人处理，请刷新" in again.content.decode()
    assert case.approvals.count() == 1
    # The drafter's page shows the chain but no sign-off form; the section head's shows it.
    page = client.get(f"/disclosure/{request_a.pk}/").content.decode()
    assert "审批中：答复" in page
    assert "data-approval-form" not in page
    approval = case.approvals.get()
    preview = client.get(f"/cases/{case.pk}/approvals/{approval.pk}/preview/disclosure.reply")
    assert preview.status_code == 200
    assert quote("草稿") in preview["Content-Disposition"]
    assert "予以公开，见附件。" in document_text(preview.content)
    for step in ("review", "legal", "sign"):
        person = client_for(signer(world.gov_a, step))
        page = person.get(f"/disclosure/{request_a.pk}/").content.decode()
        assert "data-approval-form" in page, step
        case.refresh_from_db()
        done = person.post(
            f"/cases/{case.pk}/approvals/{approval.pk}/decide",
            {"approval-decision": "approve", "approval-on": "2026-10-29",
             "approval-version": case.version, "approval-comment": "同意",
             "approval-next": f"/disclosure/{request_a.pk}/"},
        )  # fmt: skip
        assert done.status_code == 302
        assert done["Location"] == f"/disclosure/{request_a.pk}/"
    case = fresh(request_a).case
    assert case.state == "replied"
    assert case.awaiting == ""
    assert case.events.filter(action="reply").count() == 1
    assert case.documents.filter(for_applicant=True, kind="disclosure.reply").exists()


def test_the_supervisor_sees_no_action_forms_and_cannot_post_one(world, request_a):
    page = client_for(world.supervisor).get(f"/disclosure/{request_a.pk}/").content.decode()
    assert 'data-action="reply"' not in page
    response = client_for(world.supervisor).post(
        f"/disclosure/{request_a.pk}/act/withdraw/",
        {"withdraw-on": "2026-10-09", "withdraw-version": 1, "withdraw-reason": "x"},
    )
    assert response.status_code in (302, 403)
    assert fresh(request_a).case.state == "received"
    other = client_for(world.clerk_b).post(
        f"/disclosure/{request_a.pk}/act/withdraw/",
        {"withdraw-on": "2026-10-09", "withdraw-version": 1, "withdraw-reason": "x"},
    )
    assert other.status_code == 404


def test_the_office_registers_a_request_and_bad_input_changes_nothing(world):
    client = client_for(world.clerk_a)
    good = {
        "channel": "in_person", "submitted_on": "2026-09-24", "applicant_type": "person",
        "applicant_name": "吴刚", "phone": "13800001111",
        "description": "临川区2025年财政预算执行情况",
    }  # fmt: skip
    response = client.post("/disclosure/new/", good)
    assert response.status_code == 302
    created = DisclosureRequest.objects.get(applicant_name="吴刚")
    assert created.case.due_on == D(2026, 10, 29)
    bad = client.post(
        "/disclosure/new/", {**good, "applicant_name": "郑", "phone": "", "description": "x"}
    )
    assert bad.status_code == 400
    assert "联系方式" in bad.content.decode()
    assert not DisclosureRequest.objects.filter(applicant_name="郑").exists()
    assert client_for(world.supervisor).get("/disclosure/new/").status_code == 403


def test_a_paused_request_shows_the_third_partys_deadline(world, request_a):
    act(world, request_a, "consult", D(2026, 10, 13), party="某公司", matter="商业秘密")
    page = client_for(world.clerk_a).get(f"/disclosure/{request_a.pk}/").content.decode()
    assert "计时中止" in page
    assert "第三方提出意见期限：2026-11-03" in page


def _user(world, username, unit, roles):
    return core_services.user_create(
        actor=None, username=username, name=username, unit=unit, password=PASSWORD, roles=roles
    )


def test_the_parent_governments_admin_sees_a_departments_request_but_cannot_reply(world):
    dept_clerk = _user(world, "clerk_dept_a", world.dept_a, ["clerk"])
    parent_admin = _user(world, "admin_gov_a", world.gov_a, ["clerk", "unit_admin"])
    request = register(world, on=D(2026, 9, 28), unit=world.dept_a, actor=dept_clerk)
    client = client_for(parent_admin)
    page = client.get(f"/disclosure/{request.pk}/")
    assert page.status_code == 200  # 本单位及下级: the department's request is visible
    assert "data-action=" not in page.content.decode()
    response = client.post(
        f"/disclosure/{request.pk}/act/reply/",
        {"reply-on": "2026-10-09", "reply-version": fresh(request).case.version,
         "reply-reply_type": "public", "reply-reply_text": "予以公开。"},
        follow=True,
    )  # fmt: skip
    assert "只能办理本单位收到的案件" in response.content.decode()
    assert fresh(request).case.state == "received"
    assert (
        'data-action="reply"'
        in client_for(dept_clerk).get(f"/disclosure/{request.pk}/").content.decode()
    )


def test_the_intake_page_is_offered_exactly_to_whoever_may_register(world):
    users = [
        world.clerk_a, world.supervisor, world.admin,
        _user(world, "admin_gov_a", world.gov_a, ["clerk", "unit_admin"]),
        _user(world, "reviewer_gov_a", world.gov_a, ["legal_reviewer"]),
    ]  # fmt: skip
    for n, user in enumerate(users):
        offered = client_for(user).get("/disclosure/new/").status_code == 200
        try:
            register(
                world, on=D(2026, 9, 28), unit=user.unit, actor=user, applicant_name=f"申请人{n}"
            )
            accepted = True
        except (ValidationError, PermissionDenied):
            accepted = False
        assert offered == accepted, user.username
