"""The minutes editor in a real browser (Debian's Chromium driven by Playwright): text typed in the
minutes survives "Ajouter la décision"; leaving the page with unsaved text asks first, saving does
not. Skipped only when NS_NO_BROWSER=1 is set."""
from __future__ import annotations

import os

import pytest

from network_space.extensions import db
from network_space.meetings.models import Meeting
from tests.conftest import PASSWORD
from tests.helpers import browser_log_in
from tests.library.test_library_js import live_server, page  # noqa: F401 - fixtures
from tests.meetings.conftest import make_held_meeting

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(os.environ.get("NS_NO_BROWSER") == "1", reason="NS_NO_BROWSER=1: browser tests switched off"),
]

TEXT = "Tour de table : la CAPI présente trois marchés."


def _open_editor(app, make_user, page):  # noqa: F811
    organiser = make_user("coanimator")
    with app.app_context():
        meeting_id = make_held_meeting(organiser.id, minutes="Premier jet")
    browser_log_in(page, organiser.email, PASSWORD)
    page.goto(f"/meetings/{meeting_id}/minutes/edit")
    return meeting_id


def test_the_text_typed_survives_adding_a_decision(app, make_user, page):  # noqa: F811
    meeting_id = _open_editor(app, make_user, page)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.accept()))
    page.fill("textarea[name=body]", TEXT)
    page.fill("textarea[name='decision-text']", "Adopter la charte")
    page.click("button:has-text('Ajouter la décision')")
    page.wait_for_selector("ol.decisions li")
    assert page.input_value("textarea[name=body]") == TEXT
    assert dialogs == []  # saving everything typed does not ask
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        assert meeting.minutes.body == TEXT and [d.text for d in meeting.decisions] == ["Adopter la charte"]


def test_leaving_with_unsaved_text_asks_first(app, make_user, page):  # noqa: F811
    meeting_id = _open_editor(app, make_user, page)
    url = page.url
    page.click("a:has-text('La réunion')")  # untouched page: leaves without a word
    page.wait_for_url(f"**/meetings/{meeting_id}")
    page.goto(url)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.click("textarea[name=body]")
    page.keyboard.type(" Et une phrase de plus.")
    page.click("a:has-text('La réunion')")
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    assert page.url == url  # dismissed: still in the editor, with the text
    assert page.input_value("textarea[name=body]").endswith("Et une phrase de plus.")
