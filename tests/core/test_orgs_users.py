"""Units, users, roles and data scopes: the rules a city's administrators rely on."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from fazhi.core import services
from fazhi.core.models import AuditEvent, Division, Organisation, OrgKind, User
from tests.conftest import PASSWORD, client_for

pytestmark = pytest.mark.django_db

DIVISIONS_CSV = (
    Path(__file__).resolve().parents[2].parent / "shared/data/divisions-jiangxi-fuzhou.csv"
)


def test_it_validates_unified_social_credit_codes(world):
    with pytest.raises(ValidationError, match="校验码不正确"):
        services.organisation_create(
            actor=None, name="某局", kind=OrgKind.DEPARTMENT, division=world.city,
            uscc="11361000MB1234567X",
        )  # fmt: skip
    with pytest.raises(ValidationError, match="长度应为 18 位"):
        services.organisation_create(
            actor=None, name="某局", kind=OrgKind.DEPARTMENT, division=world.city, uscc="1136100"
        )
    org = services.organisation_create(
        actor=None, name="合法代码局", kind=OrgKind.DEPARTMENT, division=world.city,
        uscc=_valid_uscc().lower(),
    )  # fmt: skip
    assert org.uscc == _valid_uscc()


def _valid_uscc() -> str:
    from stdnum.cn import uscc

    for check in "0123456789ABCDEFGHJKLMNPQRTUWXY":
        candidate = "91361000MA35ABCD1" + check
        if uscc.is_valid(candidate):
            return candidate
    raise AssertionError("no valid check character found")


def test_it_refuses_a_cycle_in_the_unit_tree(world):
    with pytest.raises(ValidationError, match="会形成循环"):
        services.organisation_update(actor=None, org=world.gov_a, parent=world.dept_a)
    world.gov_a.refresh_from_db()
    assert world.gov_a.parent is None


def test_moving_a_unit_moves_its_subtree_and_changes_who_sees_it(world):
    child = services.organisation_create(
        actor=None, name="临川区某所", kind=OrgKind.OTHER, division=world.county_a,
        parent=world.dept_a,
    )  # fmt: skip
    services.organisation_update(actor=None, org=world.dept_a, parent=world.gov_b)
    child.refresh_from_db()
    world.gov_b.refresh_from_db()
    assert child.path.startswith(world.gov_b.path)
    assert AuditEvent.objects.filter(action="organisation.update").exists()


def test_it_refuses_to_delete_a_unit_that_still_owns_something_and_says_why(world):
    with pytest.raises(ValidationError, match="1 个下级单位"):
        services.organisation_delete(actor=None, org=world.gov_a)
    with pytest.raises(ValidationError, match="1 个用户"):
        services.organisation_delete(actor=None, org=world.gov_b)
    empty = services.organisation_create(
        actor=None, name="空单位", kind=OrgKind.OTHER, division=world.city
    )
    services.organisation_delete(actor=None, org=empty)
    assert not Organisation.objects.filter(name="空单位").exists()
    assert AuditEvent.objects.filter(action="organisation.delete", object_repr="空单位").exists()


def test_a_unit_admin_manages_users_of_their_own_unit_and_below_only(world):
    admin_a = services.user_create(
        actor=None, username="admin_a", name="临川管理员", unit=world.gov_a, password=PASSWORD,
        roles=["unit_admin"],
    )  # fmt: skip
    made = services.user_create(
        actor=admin_a, username="new_a", name="新人", unit=world.dept_a, password=PASSWORD,
        roles=["clerk"],
    )  # fmt: skip
    assert made.unit == world.dept_a
    with pytest.raises(PermissionDenied, match="本单位及下级"):
        services.user_create(
            actor=admin_a, username="new_b", name="越权", unit=world.gov_b, password=PASSWORD,
            roles=["clerk"],
        )  # fmt: skip
    with pytest.raises(PermissionDenied, match="不能授予高于自己的角色：督查员"):
        services.user_update(actor=admin_a, user=made, roles=["clerk", "supervisor"])
    assert not User.objects.filter(username="new_b").exists()
    assert AuditEvent.objects.filter(action="auth.permission_denied", actor=admin_a).count() == 2


def test_roles_combine_as_a_union_never_the_narrowest(world):
    both = services.user_create(
        actor=None, username="both", name="双角色", unit=world.gov_a, password=PASSWORD,
        roles=["clerk", "supervisor"],
    )  # fmt: skip
    # 经办人 alone sees one unit; with 督查员 (本级及下级) the user sees all of 临川区.
    assert set(Organisation.objects.visible_to(world.clerk_a)) == {world.gov_a}
    assert set(Organisation.objects.visible_to(both)) == {world.gov_a, world.dept_a}


def test_a_forged_id_is_a_404_and_is_audited(world):
    client = client_for(world.clerk_b)
    response = client.get(f"/orgs/{world.gov_a.pk}/")
    assert response.status_code == 404
    event = AuditEvent.objects.get(action="access.not_found")
    assert event.actor == world.clerk_b
    assert event.object_type == "core.organisation"
    assert event.object_id == f"pk={world.gov_a.pk}"
    assert client_for(world.clerk_a).get(f"/orgs/{world.gov_a.pk}/").status_code == 200


def test_a_clerk_cannot_open_user_management_and_the_denial_is_audited(world):
    response = client_for(world.clerk_a).get("/users/new/")
    assert response.status_code == 403
    assert "管理用户" in response.content.decode()
    assert AuditEvent.objects.filter(action="auth.permission_denied", actor=world.clerk_a).exists()


def test_an_admin_creates_a_unit_through_the_page(world):
    client = client_for(world.admin)
    response = client.post(
        "/orgs/new/",
        {"name": "抚州市测试局", "short_name": "市测试局", "aliases": "测试局、市测局",
         "kind": OrgKind.DEPARTMENT, "division": world.city.pk, "uscc": "123"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "统一社会信用代码“123”无效" in response.content.decode()
    assert not Organisation.objects.filter(name="抚州市测试局").exists()
    response = client.post(
        "/orgs/new/",
        {"name": "抚州市测试局", "short_name": "市测试局", "aliases": "测试局、市测局",
         "kind": OrgKind.DEPARTMENT, "division": world.city.pk, "is_active": "on"},
    )  # fmt: skip
    org = Organisation.objects.get(name="抚州市测试局")
    assert response.status_code == 302
    assert org.aliases == ["测试局", "市测局"]


def test_it_imports_the_division_csv_idempotently(db):
    if not DIVISIONS_CSV.exists():
        pytest.skip(f"{DIVISIONS_CSV} not found (../shared is read by tests only)")
    call_command("divisions", "import", str(DIVISIONS_CSV))
    total = Division.objects.count()
    assert total == 194
    assert Division.objects.filter(level="county").count() == 11
    assert Division.objects.get(code="361002001").path == "360000/361000/361002/361002001/"
    events = AuditEvent.objects.count()
    call_command("divisions", "import", str(DIVISIONS_CSV))
    assert Division.objects.count() == total
    assert AuditEvent.objects.count() == events


def test_a_bad_division_file_is_refused_whole_with_the_line_named(db, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "code,name,parent_code,level\n360000,江西省,,province\n36100X,抚州市,360000,city\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="第 3 行：行政区划代码“36100X”无效"):
        call_command("divisions", "import", str(bad))
    assert Division.objects.count() == 0
    orphan = tmp_path / "orphan.csv"
    orphan.write_text(
        "code,name,parent_code,level\n361002,临川区,361000,county\n", encoding="utf-8"
    )
    with pytest.raises(CommandError, match="上级区划 361000 不存在"):
        call_command("divisions", "import", str(orphan))
