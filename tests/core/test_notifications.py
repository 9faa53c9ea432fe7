"""In-app notifications (fazhi.core.notifications): who receives them, who sees them, what a
link may point to, the events that send them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fazhi.core import notifications
from fazhi.core import services as core_services
from fazhi.core.models import AuditEvent, Notification, Permission
from tests.conftest import PASSWORD, client_for
from tests.plans.work import report, work_plan

pytestmark = pytest.mark.django_db


def _send(users, text="测试通知", url="/plans/", **kw):
    return notifications.notify_users(users, kind="task", text=text, url=url, **kw)


@pytest.mark.parametrize(
    "url",
    ["https://evil.example/", "http://evil.example", "//evil.example/x", "/\\evil.example",
     "javascript:alert(1)", "plans/", "/plans/\x00", "ftp://x", " https://evil.example"],
)  # fmt: skip
def test_it_refuses_a_link_to_another_site(world, url):
    with pytest.raises(ValidationError, match="只能指向本系统内的页面"):
        _send([world.clerk_a], url=url)
    assert not Notification.objects.exists()


def test_a_site_path_is_kept(world):
    assert _send([world.clerk_a], url="/plans/tasks/3/?period=2026-Q1") == 1
    assert Notification.objects.get().url == "/plans/tasks/3/?period=2026-Q1"


def test_an_unregistered_kind_is_a_programming_error(world):
    with pytest.raises(ValueError, match="not registered"):
        notifications.notify_users([world.clerk_a], kind="nonsense", text="x")


def test_a_reminder_under_a_key_is_sent_once(world):
    assert _send([world.clerk_a, world.clerk_b], key="due:1") == 2
    assert _send([world.clerk_a, world.clerk_b], key="due:1") == 0
    assert Notification.objects.count() == 2


def test_units_are_told_through_their_staff_holding_the_permission(world):
    reviewer = core_services.user_create(
        actor=None, username="rev_a", name="审核员", unit=world.gov_a, password=PASSWORD,
        roles=["legal_reviewer"],
    )  # fmt: skip
    sent = notifications.notify_units([world.gov_a.pk], kind="task", text="新任务")
    assert sent == 1  # the clerk reports progress; the reviewer does not
    assert Notification.objects.filter(recipient=world.clerk_a).count() == 1
    assert not Notification.objects.filter(recipient=reviewer).exists()


def test_notify_role_reaches_the_holders_of_a_permission_or_a_role_on_that_unit_only(world):
    reviewer_a = core_services.user_create(
        actor=None, username="rev_a", name="临川审核", unit=world.gov_a, password=PASSWORD,
        roles=["legal_reviewer"],
    )  # fmt: skip
    reviewer_b = core_services.user_create(
        actor=None, username="rev_b", name="南城审核", unit=world.gov_b, password=PASSWORD,
        roles=["legal_reviewer"],
    )  # fmt: skip
    retired = core_services.user_create(
        actor=None, username="rev_old", name="已离岗", unit=world.gov_a, password=PASSWORD,
        roles=["legal_reviewer"],
    )  # fmt: skip
    core_services.user_update(actor=world.admin, user=retired, is_active=False)
    by_permission = notifications.notify_role(
        world.gov_a, Permission.LEGAL_REVIEW, kind="case.review", text="案件待法制审核",
        url="/cases/1/",
    )  # fmt: skip
    assert by_permission == 1
    by_role = notifications.notify_role(
        world.gov_a.pk, "legal_reviewer", kind="case.review", text="案件待法制审核（角色）"
    )
    assert by_role == 1
    assert Notification.objects.filter(recipient=reviewer_a).count() == 2
    for other in (reviewer_b, retired, world.clerk_a, world.clerk_b):
        assert not Notification.objects.filter(recipient=other).exists()
    with pytest.raises(ValueError, match="neither a permission nor a role"):
        notifications.notify_role(world.gov_a, "legal_reviewr", kind="case.review", text="x")


def test_a_clerk_sees_only_their_own_notifications(world):
    _send([world.clerk_a], text="临川的通知")
    _send([world.clerk_b], text="南城的通知")
    page_b = client_for(world.clerk_b).get(reverse("notifications")).content.decode()
    assert "南城的通知" in page_b
    assert "临川的通知" not in page_b
    assert notifications.unread_count(world.clerk_b) == 1


def test_marking_someone_elses_notification_read_changes_nothing(world):
    _send([world.clerk_a])
    theirs = Notification.objects.get(recipient=world.clerk_a)
    client = client_for(world.clerk_b)
    client.post(reverse("notifications_read"), {"id": theirs.pk})
    theirs.refresh_from_db()
    assert theirs.read_at is None
    client_for(world.clerk_a).post(reverse("notifications_read"), {"id": theirs.pk})
    theirs.refresh_from_db()
    assert theirs.read_at is not None
    event = AuditEvent.objects.filter(action="notification.read").get()
    assert event.actor == world.clerk_a
    assert event.after == {"count": 1, "all": False}


def test_the_top_bar_counts_unread_notifications(world):
    _send([world.clerk_a])
    _send([world.clerk_a], text="第二条")
    page = client_for(world.clerk_a).get("/").content.decode()
    bar = page[page.index("data-notification-count") :][:120]
    assert '<span class="badge">2</span>' in bar
    client_for(world.clerk_a).post(reverse("notifications_read"))
    assert notifications.unread_count(world.clerk_a) == 0


def test_a_stored_link_elsewhere_is_shown_as_text(world):
    # A row that reached the table before the rule (or by hand) is not turned into a link.
    Notification.objects.create(
        recipient=world.clerk_a, kind="task", text="旧通知", url="https://evil.example/"
    )
    page = client_for(world.clerk_a).get(reverse("notifications")).content.decode()
    assert "旧通知" in page
    assert "evil.example" not in page


def test_the_notification_pages_refuse_bad_input_without_a_500(world):
    client = client_for(world.clerk_a)
    assert client.get(reverse("notifications"), {"page": "²"}).status_code == 200
    response = client.post(reverse("notifications_read"), {"id": "9" * 30})
    assert response.status_code == 302
    response = client.post(reverse("notifications_read"), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("notifications")
    assert Client().get(reverse("notifications")).status_code == 302  # to the login page


def test_the_lead_unit_hears_when_a_responsible_unit_reports(world):
    work = work_plan(world)
    Notification.objects.all().delete()
    report(world, work)  # 临川区人民政府 reports on 1.1, which 市司法局 leads
    told = Notification.objects.get(recipient=work.lead_clerk)
    assert told.kind == "report"
    assert "临川区人民政府报送了进展：1.1" in told.text
    assert told.url.startswith(reverse("plans:task", args=[work.review.pk]))
    assert not Notification.objects.filter(recipient=world.clerk_b).exists()


def test_the_office_hears_when_the_citizen_supplies_the_correction(world):
    from fazhi.disclosure import services as disclosure
    from tests.disclosure.helpers import act, register

    today = timezone.localdate()
    request = register(world, on=today)
    act(world, request, "ask_correction", today, items="请写明具体年份")
    Notification.objects.all().delete()
    request.refresh_from_db()
    disclosure.disclosure_supply(request=request, text="2025年度")
    told = Notification.objects.get()
    assert told.recipient == world.clerk_a  # the handler of the receiving unit, no one else
    assert told.kind == "disclosure.supply"
    assert "申请人已提交补正" in told.text
    assert told.url == reverse("disclosure:detail", args=[request.pk])
