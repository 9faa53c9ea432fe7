"""The user edit page and the password reset in the browser's own requests (#13 item 1)."""

from __future__ import annotations

import pytest

from fazhi.core import services
from fazhi.core.models import AuditEvent, User
from tests.conftest import PASSWORD, client_for

pytestmark = pytest.mark.django_db


def test_the_edit_page_of_a_user_opens(world):
    response = client_for(world.admin).get(f"/users/{world.clerk_a.pk}/")
    assert response.status_code == 200
    assert "编辑用户：张临川" in response.content.decode()


def test_an_administrator_changes_roles_and_deactivates_in_the_browser(world):
    response = client_for(world.admin).post(
        f"/users/{world.clerk_a.pk}/",
        {"name": "张临川", "unit": world.gov_a.pk, "phone": "", "roles": [_role("unit_admin")]},
    )
    assert response.status_code == 302
    clerk = User.objects.get(pk=world.clerk_a.pk)
    assert [r.code for r in clerk.roles.all()] == ["unit_admin"]
    assert clerk.is_active is False  # the box was not ticked
    assert AuditEvent.objects.filter(action="user.update", object_id=str(clerk.pk)).exists()


def test_an_administrator_resets_a_password_in_the_browser(world):
    response = client_for(world.admin).post(
        f"/users/{world.clerk_a.pk}/password/", {"password": "Neu@Passwort2026"}
    )
    assert response.status_code == 302
    clerk = User.objects.get(pk=world.clerk_a.pk)
    assert clerk.check_password("Neu@Passwort2026")
    assert not clerk.check_password(PASSWORD)


def test_a_unit_admin_edits_users_of_their_unit_but_not_of_another_county(world):
    admin_a = services.user_create(
        actor=None, username="admin_a", name="临川管理员", unit=world.gov_a, password=PASSWORD,
        roles=["unit_admin"],
    )  # fmt: skip
    client = client_for(admin_a)
    assert client.get(f"/users/{world.clerk_a.pk}/").status_code == 200
    assert client.get(f"/users/{world.clerk_b.pk}/").status_code == 404
    assert (
        client.post(
            f"/users/{world.clerk_b.pk}/password/", {"password": "Neu@Passwort2026"}
        ).status_code
        == 404
    )
    assert User.objects.get(pk=world.clerk_b.pk).check_password(PASSWORD)


def test_every_scoped_queryset_can_narrow_itself_like_its_manager():
    """get_visible_or_404 takes a queryset (``Model.objects.all()``): a model whose manager
    has visible_to but whose queryset has not is a 500 on its detail page."""
    from django.apps import apps

    for model in apps.get_models():
        manager = model._default_manager
        if hasattr(manager, "visible_to"):
            assert hasattr(manager.all(), "visible_to"), model._meta.label


def _role(code: str) -> int:
    from fazhi.core.models import Role

    return Role.objects.get(code=code).pk
