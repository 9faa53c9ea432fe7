"""Pages and downloads with personal data are never kept by a browser or proxy cache
(Cache-Control: no-store): every response to a logged-in user, and the portal's pages that
show a request. Static files keep their long cache."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from fazhi.disclosure import services
from fazhi.disclosure.models import DisclosureRequest
from tests.conftest import client_for
from tests.disclosure.helpers import D, act, register

pytestmark = pytest.mark.django_db


def _no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_staff_pages_and_downloads_are_not_stored(world):
    request = register(world, on=D(2026, 9, 28))
    receipt = request.case.documents.get()
    client = client_for(world.clerk_a)
    for url in (
        "/disclosure/",
        "/disclosure/?format=xlsx",
        f"/disclosure/{request.pk}/",
        f"/cases/{request.case_id}/",
        f"/cases/{request.case_id}/documents/{receipt.pk}/",
        "/disclosure/figures/",
        "/calendar/month/",  # another module's staff page
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert _no_store(response), url


def test_the_portal_pages_that_show_a_request_are_not_stored(world):
    services.desk_set(actor=None, unit=world.gov_a)
    citizen = Client()
    citizen.post(
        "/public/disclosure/",
        {"unit": world.gov_a.pk, "applicant_type": "person", "applicant_name": "陈晨",
         "phone": "13907945678", "description": "临川区2026年老旧小区改造项目清单"},
    )  # fmt: skip
    created = DisclosureRequest.objects.get()
    status = f"/public/disclosure/status/{created.query_code}/"
    for url in ("/public/disclosure/", "/public/disclosure/submitted/", status,
                "/public/disclosure/status/"):  # fmt: skip
        response = citizen.get(url)
        assert response.status_code == 200, url
        assert _no_store(response), url
    failed = citizen.post(
        "/public/disclosure/status/", {"code": created.query_code, "phone_last4": "0000"}
    )
    assert _no_store(failed)


def test_the_applicants_document_download_is_not_stored(world):
    services.desk_set(actor=None, unit=world.gov_a)
    citizen = Client()
    citizen.post(
        "/public/disclosure/",
        {"unit": world.gov_a.pk, "applicant_type": "person", "applicant_name": "陈晨",
         "phone": "13907945678", "description": "临川区2026年老旧小区改造项目清单"},
    )  # fmt: skip
    created = DisclosureRequest.objects.get()
    act(world, created, "confirm", timezone.localdate())
    receipt = created.case.documents.get(kind="disclosure.receipt")
    response = citizen.get(
        f"/public/disclosure/status/{created.query_code}/documents/{receipt.pk}/"
    )
    assert response.status_code == 200
    assert _no_store(response)


def test_static_files_keep_their_cache(world):
    response = client_for(world.clerk_a).get("/static/disclosure/disclosure.css")
    assert response.status_code == 200
    assert not _no_store(response)
