"""The scope harness over every URL with only this module's canary planted (the project-wide
sweep in tests/core plants every module's canaries)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import include, path

from tests.conftest import client_for
from tests.disclosure.canaries import county_requests
from tests.scope_harness import MARKER, sweep

pytestmark = pytest.mark.django_db

# Only this module's routes are walked (requests still go through the project's urlconf).
urlpatterns = [
    path("cases/", include("fazhi.procedures.urls")),
    path("disclosure/", include("fazhi.disclosure.urls")),
    path("public/disclosure/", include("fazhi.disclosure.public_urls")),
]


def test_no_url_shows_county_a_requests_to_county_b_or_the_public(world):
    planted = [county_requests(world, MARKER)]
    clients = {
        "supervisor": client_for(world.supervisor),
        "county_a": client_for(world.clerk_a),
        "county_b": client_for(world.clerk_b),
        "anonymous": Client(),
    }
    seen = sweep(clients, planted, urlconf=__name__)
    assert seen["county_b"] == [], [f.url for f in seen["county_b"]]
    assert seen["anonymous"] == [], [f.url for f in seen["anonymous"]]
    reached = {f.url.split("?")[0] for f in seen["county_a"]}
    assert "/disclosure/" in reached
    assert any(url.startswith("/cases/") for url in reached)
    assert seen["supervisor"]
