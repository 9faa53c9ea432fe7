"""Every URL of the project, as three personas: county B never sees county A's records."""

from __future__ import annotations

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import include, path

from fazhi.core.models import Organisation
from tests.conftest import client_for
from tests.scope_harness import MARKER, load_canaries, routes, sweep

pytestmark = pytest.mark.django_db


def personas(world):
    return {
        "supervisor": client_for(world.supervisor),
        "county_a": client_for(world.clerk_a),
        "county_b": client_for(world.clerk_b),
        "anonymous": Client(),
    }


def plant(world):
    builders = load_canaries()
    assert builders, "no canaries registered: the harness would prove nothing"
    return [build(world, MARKER) for _, build in builders]


def test_no_url_shows_county_a_records_to_county_b_or_the_public(world):
    canaries = plant(world)
    seen = sweep(personas(world), canaries)
    assert seen["county_b"] == [], [f.url for f in seen["county_b"]]
    assert seen["anonymous"] == [], [f.url for f in seen["anonymous"]]
    # Control: the data is reachable, so silence above means something.
    assert seen["supervisor"], "the supervisor saw no canary anywhere: the harness is blind"


def test_the_harness_walks_every_routed_view():
    names = {r.name for r in routes()}
    for expected in ("home", "org_list", "org_detail", "user_list", "audit_list"):
        assert expected in names


def leaky_list(request: HttpRequest) -> HttpResponse:
    # Deliberately skips visible_to: the harness must catch it.
    names = ", ".join(o.name for o in Organisation.objects.all())
    return HttpResponse(names)


leaky_urls = [
    path("leaky/", leaky_list),
    path("", include("fazhi.urls")),
]


def test_the_harness_fails_a_view_that_skips_the_scoping_api(world):
    canaries = plant(world)
    with override_settings(ROOT_URLCONF=__name__ + "_leaky"):
        seen = sweep(personas(world), canaries, urlconf=__name__ + "_leaky")
    leaks = {f.url.split("?")[0] for f in seen["county_b"]}
    assert leaks == {"/leaky/"}


# The leaky urlconf must be importable by name.
import sys  # noqa: E402
import types  # noqa: E402

_module = types.ModuleType(__name__ + "_leaky")
_module.urlpatterns = leaky_urls  # type: ignore[attr-defined]
sys.modules[__name__ + "_leaky"] = _module
