"""The site on a phone, in a real browser (Debian's Chromium driven by Playwright): a compact
header whose menu folds, results before the filters, the month as a list of days, one block per
notification category; and the calendar address copied in one click, the invitation's link
inside its email. The page sweep (test_page_sweep.py) checks every page for sideways scrolling;
these check what a person sees."""
from __future__ import annotations

import os
import threading

import pytest
from werkzeug.serving import make_server

from network_space.core.demo import DEMO_PASSWORD
from tests.demo_network import demo_network
from tests.helpers import browser_log_in, free_port

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(os.environ.get("NS_NO_BROWSER") == "1", reason="NS_NO_BROWSER=1: browser tests switched off"),
]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def demo(app):
    people = demo_network(app)
    return {"member": people.facilitator.email, "coanimator": people.coanimator_nord.email}


@pytest.fixture
def browser_page(app, demo):
    from playwright.sync_api import sync_playwright

    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                 args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            try:
                context = browser.new_context(base_url=f"http://127.0.0.1:{port}", viewport=PHONE)
                page = context.new_page()
                page.set_default_timeout(30_000)
                browser_log_in(page, demo["member"], DEMO_PASSWORD)
                yield page
            finally:
                browser.close()
    finally:
        server.shutdown()
        thread.join()


def _box(page, selector):
    return page.locator(selector).first.bounding_box()


def test_compact_header_and_folding_menu(browser_page):
    page = browser_page
    header = _box(page, "header.site-header")
    assert header["height"] <= 140, header  # 316 px of 844 before
    nav = page.locator("nav.main-nav")
    toggle = page.get_by_role("button", name="Menu")
    assert not nav.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert nav.get_by_role("link", name="Bibliothèque", exact=True).is_visible()
    assert nav.get_by_role("button", name="Se déconnecter").is_visible()
    page.keyboard.press("Escape")
    assert not nav.is_visible()
    page.set_viewport_size(DESKTOP)
    page.goto("/")
    assert nav.is_visible() and not toggle.is_visible()


def test_library_results_come_before_the_filters(browser_page):
    page = browser_page
    page.goto("/library/")
    summary = page.locator("details.filter-panel > summary")
    first_result = _box(page, ".resource-list > li")
    assert summary.inner_text().strip().startswith("Filtrer")
    assert not page.locator(".facets .facet").first.is_visible()
    assert first_result["y"] < PHONE["height"], first_result  # on the first screen
    assert _box(page, "#library-q")["y"] < summary.bounding_box()["y"] < first_result["y"]
    summary.click()
    assert page.locator(".facets .facet").first.is_visible()
    page.set_viewport_size(DESKTOP)
    page.goto("/library/")
    assert page.locator(".facets .facet").first.is_visible()  # a side column, open


def test_month_view_is_a_list_of_days_on_a_phone(browser_page):
    page = browser_page
    page.goto("/events/")
    assert not page.locator("table.calendar-month").is_visible()
    days = page.locator(".calendar-month-list section")
    assert days.count() >= 2
    for i in range(days.count()):
        box = days.nth(i).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    listed = set(page.locator(".calendar-month-list .cal-title").all_inner_texts())
    page.set_viewport_size(DESKTOP)
    assert page.locator("table.calendar-month").is_visible() and not days.first.is_visible()
    in_grid = set(page.locator("table.calendar-month td:not(.cal-outside) .cal-title").all_inner_texts())
    assert listed == in_grid and listed  # the same events, every one of them


def test_notification_preferences_one_block_per_category(browser_page):
    page = browser_page
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto("/notifications/settings")
    row = page.locator("table.preferences tbody tr").first
    radios = row.locator("input[type=radio]")
    assert radios.count() == 5
    for i in range(5):
        box = radios.nth(i).bounding_box()
        assert 0 <= box["x"] and box["x"] + box["width"] <= 320, box  # all five choices on screen
    assert "Résumé hebdomadaire" in row.inner_text()  # each choice says what it is
    radios.nth(2).check()
    assert radios.nth(2).is_checked()


def test_calendar_address_copied_in_one_click(browser_page):
    page = browser_page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto("/events/mon-agenda")
    page.get_by_role("button", name="Créer mon adresse d'abonnement").click()
    address = page.locator("#feed-url").input_value()
    assert address.startswith("http") and "/calendar/" in address
    page.get_by_role("button", name="Copier l'adresse").click()
    page.get_by_text("Adresse copiée.").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == address


def test_invitation_link_stays_inside_its_email(app, browser_page):
    from sqlalchemy import select

    from network_space.accounts.models import User
    from network_space.accounts.services import invite
    from network_space.extensions import db

    with app.app_context():
        admin = db.session.scalar(select(User).where(User.role == "admin"))
        invite("une.personne.au.nom.tres.long@example.org", "member", None, None, admin)
        db.session.commit()
        outbox = db.metadata.tables["outbox_message"]
        html = db.session.scalar(select(outbox.c.html_body).where(outbox.c.recipient.like("une.personne%")))
    page = browser_page.context.new_page()  # a mail reader's blank page, not the site's
    for width in (390, 600):
        page.set_viewport_size({"width": width, "height": 800})
        page.set_content(html)
        link = page.locator("a", has_text="/invitation/")
        cell = link.locator("xpath=ancestor::td[1]")
        assert link.bounding_box()["x"] + link.bounding_box()["width"] <= cell.bounding_box()["x"] + cell.bounding_box()["width"] + 0.5
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
