"""Shared fixtures: a small city built through the services, and the three personas.

The personas follow the house rule: a city supervisor who sees everything below the city,
a county-A clerk, and a county-B clerk who must never see county A's records.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from fazhi.core import services
from fazhi.core.models import Division, DivisionLevel, Organisation, OrgKind, User

PASSWORD = "Test@Pass2026"


@dataclass
class World:
    city: Division
    county_a: Division
    county_b: Division
    city_office: Organisation  # 依法治市办
    justice: Organisation  # 市司法局
    gov_a: Organisation
    dept_a: Organisation
    gov_b: Organisation
    supervisor: User
    clerk_a: User
    clerk_b: User
    admin: User


def build_world() -> World:
    def division(code: str, name: str, level: str, parent: str | None) -> Division:
        return services.division_upsert(
            actor=None, code=code, name=name, level=level, parent_code=parent
        )[0]

    division("360000", "江西省", DivisionLevel.PROVINCE, None)
    city = division("361000", "抚州市", DivisionLevel.CITY, "360000")
    county_a = division("361002", "临川区", DivisionLevel.COUNTY, "361000")
    county_b = division("361021", "南城县", DivisionLevel.COUNTY, "361000")

    def org(name: str, kind: str, div: Division, parent: Organisation | None = None, short=""):
        return services.organisation_create(
            actor=None, name=name, kind=kind, division=div, parent=parent, short_name=short
        )

    party = org("中共抚州市委员会", OrgKind.PARTY, city, short="市委")
    city_office = org(
        "中共抚州市委全面依法治市委员会办公室", OrgKind.PARTY, city, party, "依法治市办"
    )
    city_gov = org("抚州市人民政府", OrgKind.GOVERNMENT, city, short="市政府")
    justice = org("抚州市司法局", OrgKind.DEPARTMENT, city, city_gov, "市司法局")
    gov_a = org("临川区人民政府", OrgKind.GOVERNMENT, county_a)
    dept_a = org("临川区司法局", OrgKind.DEPARTMENT, county_a, gov_a)
    gov_b = org("南城县人民政府", OrgKind.GOVERNMENT, county_b)

    def user(username: str, name: str, unit: Organisation, roles: list[str], **kw) -> User:
        return services.user_create(
            actor=None,
            username=username,
            name=name,
            unit=unit,
            password=PASSWORD,
            roles=roles,
            **kw,
        )

    return World(
        city=city,
        county_a=county_a,
        county_b=county_b,
        city_office=city_office,
        justice=justice,
        gov_a=gov_a,
        dept_a=dept_a,
        gov_b=gov_b,
        supervisor=user("supervisor", "王督查", city_office, ["supervisor"]),
        clerk_a=user("clerk_a", "张临川", gov_a, ["clerk"]),
        clerk_b=user("clerk_b", "刘南城", gov_b, ["clerk"]),
        admin=user("admin", "管理员", justice, ["sysadmin"], is_staff=True, is_superuser=True),
    )


@pytest.fixture
def world(db) -> World:
    return build_world()


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def postgres() -> None:
    """For concurrency tests (tests/concurrency.py): they need PostgreSQL's row locks."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("并发测试需要 PostgreSQL（SQLite 的写事务本身就是串行的）")


@pytest.fixture(autouse=True)
def _audit_labels_required(settings):
    # Every audit action and field a test records must have its Chinese label.
    settings.FAZHI_AUDIT_STRICT = True


@pytest.fixture(autouse=True)
def _static_in_place(settings):
    # Tests read static files from the source tree; `fazhi serve` collects and hashes them.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def require_soffice() -> str:
    """LibreOffice's soffice, to open the files we generate; CI must have it, a laptop may not."""
    import os
    import shutil

    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    message = "未安装 LibreOffice（soffice）：请安装 Debian 软件包 libreoffice-calc-nogui 与 libreoffice-writer-nogui"
    if os.environ.get("FAZHI_REQUIRE_LIBREOFFICE"):
        pytest.fail(message)
    pytest.skip(message)
