"""The print view of a record page and of a list: Chromium's print media hides the
navigation, the buttons, the forms and the messages, keeps the record and its tables, and
prints A4; the 打印 button opens the print dialog (app.js, no inline script)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from datetime import date
from pathlib import Path

import pytest

from tests.browser.test_disclosure_portal import _login
from tests.conftest import build_world
from tests.disclosure.helpers import register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Screenshots and PDFs of the print views, to be looked at: print-*.png / print-*.pdf
OUT = Path(os.environ.get("FAZHI_PRINT_SHOTS", tempfile.gettempdir()))
HIDDEN = (".topbar", ".sidenav", ".breadcrumbs", "[data-print]", "form", "button",
          "details:has(form)")  # fmt: skip


def _visible(page, selector: str) -> list[bool]:
    shown: list[bool] = page.eval_on_selector_all(
        selector, "els => els.map(e => getComputedStyle(e).display !== 'none' && !!e.offsetParent)"
    )
    return shown


def _print_view(page, name: str) -> Path:
    page.emulate_media(media="print")
    page.screenshot(path=str(OUT / f"print-{name}.png"), full_page=True)
    pdf = OUT / f"print-{name}.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True)
    page.emulate_media(media="screen")
    return pdf


def _a4(pdf: Path) -> None:
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo is None:
        return  # the page size is checked where poppler is installed (tests/core)
    info = subprocess.run([pdfinfo, str(pdf)], capture_output=True, check=True, text=True)  # noqa: S603
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info.stdout)
    assert size is not None, info.stdout
    assert abs(float(size[1]) - 595) <= 2, info.stdout
    assert abs(float(size[2]) - 842) <= 2, info.stdout


def test_a_record_page_and_a_list_print_without_navigation_buttons_or_forms(live_server, page):
    world = build_world()
    request = register(world, on=date(2026, 9, 24), description="临川区2026年老旧小区改造项目清单")
    base = live_server.url
    _login(page, base, "clerk_a")

    page.goto(f"{base}/disclosure/{request.pk}/")
    assert page.locator("[data-print]").is_visible()
    page.evaluate("window.print = () => { window.__printed = true; }")
    page.click("[data-print]")
    assert page.evaluate("window.__printed === true")
    assert any(_visible(page, ".sidenav"))  # on screen, before printing
    assert any(_visible(page, "form"))
    pdf = _print_view(page, "disclosure-detail")
    page.emulate_media(media="print")
    for selector in HIDDEN:
        assert not any(_visible(page, selector)), selector
    assert not any(_visible(page, "details[data-action]"))
    assert "办理" not in [h.strip() for h in page.locator("h2:visible").all_inner_texts()]
    body = page.inner_text("main")
    assert request.case.number in body
    assert "临川区2026年老旧小区改造项目清单" in body
    assert page.eval_on_selector("h1", "e => getComputedStyle(e).color") == "rgb(0, 0, 0)"
    _a4(pdf)
    assert page.console_errors == []

    page.emulate_media(media="screen")
    page.goto(f"{base}/disclosure/")
    assert any(_visible(page, ".filters"))
    pdf = _print_view(page, "disclosure-list")
    page.emulate_media(media="print")
    for selector in (*HIDDEN, ".filters", ".pager"):
        assert not any(_visible(page, selector)), selector
    assert page.eval_on_selector("table thead", "e => getComputedStyle(e).display") == (
        "table-header-group"
    )
    wrap = page.eval_on_selector(".table-wrap", "e => [e.scrollWidth, e.clientWidth]")
    assert wrap[0] <= wrap[1]  # no column cut off
    assert request.case.number in page.inner_text("table")
    _a4(pdf)
