"""static/js/discussions.js in a real browser (Debian's Chromium driven by Playwright) against the
app on a free port: typing "@" and a few letters in the reply box proposes members, the arrow
keys and Enter pick one, Escape closes the list; the reply posted mentions the member, who is
notified. The write-up fields show only for a write-up.

Runs in `make test`. Skipped only when NS_NO_BROWSER=1 is set."""
from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from network_space.extensions import db
from network_space.notifications.models import Notification
from tests.library.test_library_js import live_server, log_in, page  # noqa: F401 - fixtures and helper

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(os.environ.get("NS_NO_BROWSER") == "1", reason="NS_NO_BROWSER=1: browser tests switched off"),
]


def test_mention_autocomplete_with_the_keyboard(page, app, make_user, make_thread):  # noqa: F811
    author = make_user(full_name="Claire Dumas")
    make_user(full_name="Pierre Fontaine")
    pierrette = make_user(full_name="Pierrette Favre")
    make_user(full_name="Lucie Bernard")
    thread_id = make_thread(author, title="Qui vient au forum ?")
    log_in(page, make_user(full_name="Bruno Vidal"))
    page.goto(f"/discussions/{thread_id}")
    box = page.locator("textarea[name=body]")
    box.click()
    box.press_sequentially("Bonjour @pie", delay=40)
    listbox = page.get_by_role("listbox", name="Membres à mentionner")
    listbox.wait_for()
    options = listbox.get_by_role("option")
    assert options.all_text_contents() == ["Pierre Fontaine @pierre.fontaine", "Pierrette Favre @pierrette.favre"]
    assert box.get_attribute("aria-activedescendant") == options.nth(0).get_attribute("id")
    assert "2 membres proposés" in page.locator(".mention-field [role=status]").inner_text()
    box.press("ArrowDown")
    assert options.nth(1).get_attribute("aria-selected") == "true"
    box.press("Enter")
    assert box.input_value() == "Bonjour @pierrette.favre "
    assert listbox.is_hidden()
    box.press_sequentially("et @luc", delay=40)
    listbox.wait_for()
    box.press("Escape")
    assert listbox.is_hidden() and box.input_value() == "Bonjour @pierrette.favre et @luc"
    box.press_sequentially("ie.bernard, vous venez ?", delay=10)
    page.click("form.reply-form button[type=submit]")
    page.wait_for_url(re.compile(rf"/discussions/{thread_id}#reply-1$"))
    reply = page.locator("#reply-1 .message-body")
    assert reply.get_by_role("link", name="@Pierrette Favre").get_attribute("href") == f"/members/{pierrette.id}"
    assert reply.get_by_role("link", name="@Lucie Bernard").is_visible()
    with app.app_context():
        told = {n.user.full_name for n in db.session.scalars(select(Notification).where(
            Notification.kind == "discussions.mention"))}
    assert told == {"Pierrette Favre", "Lucie Bernard"}


def test_mouse_choice_and_no_match(page, make_user, make_thread):  # noqa: F811
    make_user(full_name="Élodie Perrin")
    thread_id = make_thread(make_user(), title="Un fil")
    log_in(page, make_user())
    page.goto(f"/discussions/{thread_id}")
    box = page.locator("textarea[name=body]")
    box.click()
    box.press_sequentially("@zzz", delay=40)
    expect(page.locator(".mention-field [role=status]")).to_have_text("Aucun membre ne correspond.")
    assert page.get_by_role("listbox").is_hidden()
    box.fill("")
    box.press_sequentially("Merci @elo", delay=40)
    page.get_by_role("option", name=re.compile("Élodie Perrin")).click()
    assert box.input_value() == "Merci @elodie.perrin "
    assert page.evaluate("document.activeElement.name") == "body"


def test_writeup_fields_follow_the_kind(page, make_user):  # noqa: F811
    log_in(page, make_user())
    page.goto("/discussions/nouvelle")
    fields = page.locator("fieldset.writeup-fields")
    assert fields.is_hidden()
    page.check('input[name="kind"][value="writeup"]')
    assert fields.is_visible()
    page.fill('textarea[name="context"]', "Un chantier de 40 logements")
    page.check('input[name="kind"][value="question"]')
    assert fields.is_hidden()
    page.check('input[name="kind"][value="writeup"]')
    assert page.input_value('textarea[name="context"]') == "Un chantier de 40 logements"
