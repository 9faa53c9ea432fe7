"""Failed status look-ups on the portal are counted in the database per (code, address), per
address and per code, audited, and cleaned by the daily tick; someone holding a code cannot
lock the applicant out from another address."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from fazhi.core import jobs
from fazhi.core.models import AuditEvent
from fazhi.disclosure import services
from fazhi.disclosure.models import DisclosureRequest, LookupFailure
from tests.disclosure.helpers import D, register

pytestmark = pytest.mark.django_db

LOOKUP = "/public/disclosure/status/"
# Documentation addresses (RFC 5737): only ever a REMOTE_ADDR in the test client.
ATTACKER, APPLICANT = "192.0.2.10", "198.51.100.20"


@pytest.fixture
def request_a(world) -> DisclosureRequest:
    return register(world, on=D(2026, 9, 28), phone="13907945678")


def _look(address: str, code: str, last4: str):
    return Client(REMOTE_ADDR=address).post(LOOKUP, {"code": code, "phone_last4": last4})


def _fail(address: str, code: str, times: int) -> None:
    for n in range(times):
        assert _look(address, code, f"{n:04d}").status_code == 400


def test_the_failures_of_a_code_from_one_address_are_limited_and_survive_a_cache_clear(request_a):
    _fail(ATTACKER, request_a.query_code, services.LOOKUP_LIMITS.per_code_and_address)
    cache.clear()  # as after a restart, or on another worker
    refused = _look(ATTACKER, request_a.query_code, "5678")
    assert refused.status_code == 400
    assert "查询失败次数过多" in refused.content.decode()
    assert LookupFailure.objects.count() == services.LOOKUP_LIMITS.per_code_and_address


def test_the_applicant_gets_in_from_another_address_while_a_guesser_is_stopped(request_a):
    _fail(ATTACKER, request_a.query_code, services.LOOKUP_LIMITS.per_code_and_address)
    assert "查询失败次数过多" in _look(ATTACKER, request_a.query_code, "5678").content.decode()
    assert _look(APPLICANT, request_a.query_code, "5678").status_code == 302


def test_an_address_that_fails_too_often_is_stopped_for_every_code(world, request_a):
    limits = services.LOOKUP_LIMITS
    codes = [services.new_query_code() for _ in range(limits.per_address)]
    for code in codes:
        _fail(ATTACKER, code, 1)
    # Even the right pair is refused now: a correct guess must not get through.
    refused = _look(ATTACKER, request_a.query_code, "5678")
    assert refused.status_code == 400
    assert "本网络地址" in refused.content.decode()
    assert _look(APPLICANT, request_a.query_code, "5678").status_code == 302


def test_a_code_guessed_from_many_addresses_stops_at_a_ceiling(request_a):
    limits = services.LOOKUP_LIMITS
    per = limits.per_code_and_address
    for n in range(limits.per_code // per):
        _fail(f"203.0.113.{n + 1}", request_a.query_code, per)
    refused = _look(APPLICANT, request_a.query_code, "5678")
    assert "请联系受理机关" in refused.content.decode()


def test_every_failed_look_up_is_audited_without_the_code(request_a):
    _fail(ATTACKER, request_a.query_code, 2)
    failed = AuditEvent.objects.filter(action="disclosure.lookup_failed")
    assert failed.count() == 2
    event = failed.first()
    assert event.ip == ATTACKER
    assert event.after["code"] == services.code_ref(request_a.query_code)
    assert request_a.query_code not in str(event.after)
    assert event.object_id == str(request_a.pk)  # the request someone is guessing at


def test_the_daily_tick_removes_old_failures(request_a):
    _fail(ATTACKER, request_a.query_code, 2)
    LookupFailure.objects.update(at=timezone.now() - timedelta(days=3))
    _fail(APPLICANT, request_a.query_code, 1)
    job = jobs.get("disclosure.lookup_failures").run
    assert "2" in job(timezone.localdate())
    assert LookupFailure.objects.count() == 1
