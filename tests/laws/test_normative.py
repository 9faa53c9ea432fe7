"""The city's normative documents: 三统一 registration, publication, 备案, 有效期, 清理."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fazhi.core import services as core_services
from fazhi.core.models import AuditEvent
from fazhi.laws import selectors, services
from fazhi.laws.models import CleanupOutcome, NormativeDocument, NormativeStage, Status
from fazhi.laws.search import search
from tests.conftest import PASSWORD

TEXT = "第一条 为了规范本区行政规范性文件管理，制定本办法。\n\n第二条 本办法自公布之日起施行。"


@pytest.fixture
def reviewer_a(world):
    return core_services.user_create(
        actor=None, username="reviewer_a", name="陈律审", unit=world.gov_a,
        password=PASSWORD, roles=["legal_reviewer", "clerk"],
    )  # fmt: skip


def draft(world, title="临川区行政规范性文件管理办法", actor=None):
    return services.normative_create(
        actor=actor or world.clerk_a, title=title, issuing_body="临川区人民政府", text=TEXT,
        doc_number="临府发〔2026〕1号",
    )  # fmt: skip


def test_a_clerk_drafts_in_their_own_unit(world):
    doc = draft(world)
    assert doc.owner_unit == world.gov_a
    assert doc.stage == NormativeStage.DRAFT
    assert AuditEvent.objects.filter(action="laws.normative_create").count() == 1


def test_a_text_without_articles_is_refused(world):
    with pytest.raises(ValidationError, match="每条以"):
        services.normative_create(
            actor=world.clerk_a, title="无条文", issuing_body="临川区人民政府", text="只有一段话。"
        )


def test_registration_numbers_are_unified_and_never_used_twice(world):
    first, second = draft(world), draft(world, "另一份文件")
    services.normative_register(actor=None, document=first, on=date(2026, 3, 1))
    first.refresh_from_db()
    assert first.registration_number == "抚规〔2026〕1号"
    with pytest.raises(ValidationError, match="已被《临川区行政规范性文件管理办法》使用"):
        services.normative_register(
            actor=None, document=second, on=date(2026, 3, 2), registration_number="抚规〔2026〕1号"
        )
    second.refresh_from_db()
    assert second.stage == NormativeStage.DRAFT
    services.normative_register(actor=None, document=second, on=date(2026, 3, 2))
    second.refresh_from_db()
    assert second.registration_number == "抚规〔2026〕2号"


def test_automatic_numbers_are_consecutive_around_a_number_typed_by_hand(world):
    typed, first, second = draft(world), draft(world, "第二份"), draft(world, "第三份")
    services.normative_register(
        actor=None, document=typed, on=date(2026, 3, 1), registration_number="抚规〔2026〕2号"
    )
    numbers = [
        services.normative_register(actor=None, document=d, on=date(2026, 3, 2)).registration_number
        for d in (first, second)
    ]
    assert numbers == ["抚规〔2026〕1号", "抚规〔2026〕3号"]


def test_the_counters_start_after_the_numbers_given_before_they_existed(world):
    import importlib

    from django.apps import apps

    from fazhi.core.models import NumberSeries

    old, typed, new = draft(world), draft(world, "第二份"), draft(world, "第三份")
    services.normative_register(actor=None, document=old, on=date(2026, 3, 1))
    services.normative_register(
        actor=None, document=typed, on=date(2026, 3, 1), registration_number="抚规〔2026〕7号"
    )
    NumberSeries.objects.filter(series="laws.registration").delete()  # as before the counters
    importlib.import_module("fazhi.laws.migrations.0005_numbering_to_core").carry(apps, None)
    number = services.normative_register(actor=None, document=new, on=date(2026, 3, 2))
    assert number.registration_number == "抚规〔2026〕8号"


def test_only_a_legal_reviewer_registers(world):
    doc = draft(world)
    with pytest.raises(PermissionDenied):
        services.normative_register(actor=world.clerk_a, document=doc, on=date(2026, 3, 1))


def test_a_reviewer_of_another_county_cannot_touch_the_document(world):
    reviewer_b = core_services.user_create(
        actor=None, username="reviewer_b", name="南城审核", unit=world.gov_b,
        password=PASSWORD, roles=["legal_reviewer"],
    )  # fmt: skip
    doc = draft(world)
    with pytest.raises(PermissionDenied):
        services.normative_register(actor=reviewer_b, document=doc, on=date(2026, 3, 1))


def test_publication_needs_registration_then_makes_it_public_with_periods(world, reviewer_a):
    doc = draft(world)
    with pytest.raises(ValidationError, match="三统一"):
        services.normative_publish(actor=reviewer_a, document=doc, published_on=date(2026, 3, 5))
    services.normative_register(actor=reviewer_a, document=doc, on=date(2026, 3, 1))
    services.normative_publish(actor=reviewer_a, document=doc, published_on=date(2026, 3, 5))
    doc.refresh_from_db()
    assert doc.stage == NormativeStage.PUBLISHED
    # 30 days (rule laws.normative_filing) end on Sat 04-04, 清明 (04-04–04-06): Tue 04-07.
    assert doc.filing_due_on == date(2026, 4, 7)
    assert doc.expires_on == date(2031, 3, 4)  # 5 years (setting LAWS_VALIDITY_YEARS)
    hit = search("规范本区").hits[0]
    assert (hit.title, hit.kind) == ("临川区行政规范性文件管理办法", "normative")


def test_trial_documents_get_the_shorter_validity(world, reviewer_a):
    doc = draft(world, "临川区某事项暂行办法")
    services.normative_register(actor=reviewer_a, document=doc, on=date(2026, 3, 1))
    services.normative_publish(actor=reviewer_a, document=doc, published_on=date(2026, 3, 5))
    doc.refresh_from_db()
    assert doc.expires_on == date(2028, 3, 4)


@pytest.fixture
def published(world, reviewer_a):
    doc = draft(world)
    services.normative_register(actor=reviewer_a, document=doc, on=date(2026, 3, 1))
    services.normative_publish(
        actor=reviewer_a, document=doc, published_on=date(2026, 3, 5),
        expires_on=date(2026, 9, 30),
    )  # fmt: skip
    doc.refresh_from_db()
    return doc


def test_filing_overdue_and_expiry_are_derived_from_stored_dates(world, published):
    assert published.filing_overdue(date(2026, 4, 8))
    assert list(selectors.normative_filing_overdue(world.clerk_a, date(2026, 4, 8))) == [published]
    assert list(selectors.normative_filing_overdue(world.clerk_b, date(2026, 4, 8))) == []
    services.normative_file(
        actor=world.clerk_a, document=published, filed_on=date(2026, 3, 20),
        filed_with="抚州市人民政府",
    )  # fmt: skip
    published.refresh_from_db()
    assert not published.filing_overdue(date(2026, 4, 8))
    assert published.expiry_state(date(2026, 6, 1), 180) == "soon"
    assert list(selectors.normative_expiring(world.supervisor, date(2026, 6, 1))) == [published]


def test_expired_documents_become_invalid_when_the_timer_runs(world, published):
    assert services.normative_expire_due(actor=None, today=date(2026, 9, 30)) == []
    assert services.normative_expire_due(actor=None, today=date(2026, 10, 1)) == [published]
    published.refresh_from_db()
    assert published.status == Status.EXPIRED
    assert search("规范本区").hits[0].status == Status.EXPIRED


def test_a_cleanup_round_repeals_keeps_and_is_closed(world, reviewer_a, published):
    cleanup = services.cleanup_round_create(
        actor=reviewer_a, title="2026年规范性文件清理", started_on=date(2026, 5, 1)
    )
    services.cleanup_decide(
        actor=reviewer_a, cleanup=cleanup, document=published, outcome=CleanupOutcome.KEEP
    )
    published.refresh_from_db()
    assert published.status == Status.IN_FORCE
    services.cleanup_decide(
        actor=reviewer_a, cleanup=cleanup, document=published, outcome=CleanupOutcome.REPEAL,
        note="上位法已修改",
    )  # fmt: skip
    published.refresh_from_db()
    assert published.status == Status.REPEALED
    assert published.law_document.status == Status.REPEALED
    assert cleanup.decisions.count() == 1
    services.cleanup_close(actor=reviewer_a, cleanup=cleanup, closed_on=date(2026, 6, 1))
    with pytest.raises(ValidationError, match="已结束"):
        services.cleanup_decide(
            actor=reviewer_a, cleanup=cleanup, document=published, outcome=CleanupOutcome.KEEP
        )


def test_a_revision_adds_a_version_and_keeps_the_old_one(world, reviewer_a, published):
    services.normative_revise(
        actor=reviewer_a, document=published,
        text="第一条 修订后的办法。\n\n第二条 本办法自公布之日起施行。", version_date=date(2026, 8, 1),
    )  # fmt: skip
    law = published.law_document
    assert [v.version_date for v in selectors.versions_of(law)] == [
        date(2026, 8, 1),
        date(2026, 3, 5),
    ]
    old = selectors.version_on(law, date(2026, 4, 1))
    assert old is not None
    assert old.version_date == date(2026, 3, 5)


def test_typed_text_is_stored_as_typed_without_invisible_characters(world, reviewer_a):
    doc = services.normative_create(
        actor=world.clerk_a, title=" 临川区（试行）管理办法\u200b ", issuing_body="临川区人民政府",
        text=TEXT.replace("\n", "\r\n"), doc_number="\ufeff临府发〔2026〕1号",
    )  # fmt: skip
    doc.refresh_from_db()
    assert (doc.title, doc.doc_number) == ("临川区（试行）管理办法", "临府发〔2026〕1号")
    assert "\r" not in doc.text
    services.normative_register(actor=reviewer_a, document=doc, on=date(2026, 3, 1))
    services.normative_publish(actor=reviewer_a, document=doc, published_on=date(2026, 3, 5))
    services.normative_file(
        actor=reviewer_a, document=doc, filed_on=date(2026, 3, 6),
        filed_with=" 抚州市人民政府\u200b", filing_number="备〔2026〕3号 ",
    )  # fmt: skip
    doc.refresh_from_db()
    assert (doc.filed_with, doc.filing_number) == ("抚州市人民政府", "备〔2026〕3号")
    assert doc.law_document.title == "临川区（试行）管理办法"
    assert [h.title for h in search("试行").hits] == ["临川区（试行）管理办法"]


@pytest.mark.parametrize(
    "field",
    ["title", "issuing_body", "doc_number", "text"],
)
def test_a_control_character_in_typed_text_is_refused_and_nothing_is_written(world, field):
    values = {
        "title": "临川区办法",
        "issuing_body": "临川区人民政府",
        "doc_number": "",
        "text": TEXT,
    }
    values[field] += "\x07"
    with pytest.raises(ValidationError, match="控制字符"):
        services.normative_create(actor=world.clerk_a, **values)
    assert not NormativeDocument.objects.exists()


def test_a_control_character_in_a_typed_number_is_refused(world, reviewer_a):
    doc = draft(world)
    with pytest.raises(ValidationError, match="控制字符"):
        services.normative_register(
            actor=reviewer_a, document=doc, on=date(2026, 3, 1), registration_number="抚规\x1b1号"
        )
    doc.refresh_from_db()
    assert doc.stage == NormativeStage.DRAFT


# --- dates: a range and an order (#13 item 13) ------------------------------------------

FAR = date(9999, 12, 31)


def _today():
    from django.utils import timezone

    return timezone.localdate()


def test_a_registration_date_in_the_future_is_refused_and_takes_no_number(world, reviewer_a):
    doc = draft(world)
    with pytest.raises(ValidationError, match="登记日期"):
        services.normative_register(actor=reviewer_a, document=doc, on=FAR)
    doc.refresh_from_db()
    assert (doc.stage, doc.registration_number) == (NormativeStage.DRAFT, None)
    services.normative_register(actor=reviewer_a, document=doc, on=_today())
    doc.refresh_from_db()
    assert doc.registration_number == f"抚规〔{_today().year}〕1号"


@pytest.fixture
def registered(world, reviewer_a):
    doc = draft(world)
    services.normative_register(actor=reviewer_a, document=doc, on=date(2026, 3, 1))
    return doc


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        ({"published_on": FAR}, "公布日期"),
        ({"published_on": date(2026, 2, 28)}, "登记日期"),  # published before it was registered
        ({"published_on": date(2026, 3, 5), "effective_on": date(2026, 3, 4)}, "施行日期"),
        ({"published_on": date(2026, 3, 5), "effective_on": FAR}, "施行日期"),
        ({"published_on": date(2026, 3, 5), "expires_on": date(2026, 3, 5)}, "有效期"),
        ({"published_on": date(2026, 3, 5), "expires_on": FAR}, "有效期"),
    ],
)
def test_publication_dates_keep_their_range_and_order(registered, reviewer_a, dates, message):
    with pytest.raises(ValidationError, match=message):
        services.normative_publish(actor=reviewer_a, document=registered, **dates)
    registered.refresh_from_db()
    assert registered.stage == NormativeStage.REGISTERED
    assert registered.law_document is None


def test_a_document_may_take_effect_on_the_day_it_is_published(registered, reviewer_a):
    services.normative_publish(
        actor=reviewer_a, document=registered, published_on=date(2026, 3, 1),
        effective_on=date(2026, 3, 1),
    )  # fmt: skip
    registered.refresh_from_db()
    assert registered.effective_on == registered.published_on == registered.registered_on


def test_filing_and_revision_dates_are_not_in_the_future(published, reviewer_a):
    with pytest.raises(ValidationError, match="报送备案日期"):
        services.normative_file(
            actor=reviewer_a, document=published, filed_on=FAR, filed_with="抚州市人民政府"
        )
    with pytest.raises(ValidationError, match="版本日期"):
        services.normative_revise(actor=reviewer_a, document=published, text=TEXT, version_date=FAR)
    published.refresh_from_db()
    assert (published.filed_on, len(selectors.versions_of(published.law_document))) == (None, 1)


def test_cleanup_dates_are_not_in_the_future_and_in_order(reviewer_a):
    with pytest.raises(ValidationError, match="开始日期"):
        services.cleanup_round_create(actor=reviewer_a, title="未来的清理", started_on=FAR)
    cleanup = services.cleanup_round_create(
        actor=reviewer_a, title="2026年清理", started_on=date(2026, 5, 1)
    )
    for closed_on in (date(2026, 4, 30), FAR):
        with pytest.raises(ValidationError, match="结束日期"):
            services.cleanup_close(actor=reviewer_a, cleanup=cleanup, closed_on=closed_on)
    cleanup.refresh_from_db()
    assert cleanup.closed_on is None


def test_the_expiry_job_refuses_a_date_that_has_not_come(published):
    from fazhi.core import jobs

    with pytest.raises(ValidationError, match="运行日期"):
        services.normative_expire_due(actor=None, today=FAR)
    job = jobs.get("laws.normative_expire").run
    assert "未处理" in job(FAR)  # the timer's job says so and does not fail
    published.refresh_from_db()
    assert published.status == Status.IN_FORCE
    assert "1 件" in job(date(2026, 10, 1))
    published.refresh_from_db()
    assert published.status == Status.EXPIRED


def test_a_law_version_dated_in_the_future_is_refused(db):
    from fazhi.laws.models import LawDocument

    with pytest.raises(ValidationError, match="版本日期"):
        services.law_text_store(
            actor=None, title="未来法", kind="law", markdown="# 未来法\n\n第一条 内容。",
            version_date=FAR,
        )  # fmt: skip
    assert not LawDocument.objects.exists()
