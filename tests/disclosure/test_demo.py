"""The demo requests load through the services and load only once."""

from __future__ import annotations

import pytest

from fazhi.core.demo import load_demo
from fazhi.disclosure.demo import load_demo_requests
from fazhi.disclosure.models import DisclosureRequest

pytestmark = pytest.mark.django_db


def test_demo_requests_load_once_in_various_states():
    load_demo()
    assert load_demo_requests() == 15
    assert load_demo_requests() == 0
    states = set(DisclosureRequest.objects.values_list("case__state", flat=True))
    assert {"served", "received", "withdrawn"} <= states
    assert DisclosureRequest.objects.filter(case__number="抚司公开〔2026〕1号").exists()
