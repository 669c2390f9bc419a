"""static/js/site.js in a real browser (Debian's Chromium driven by Playwright): a form sent twice
in a row (a double click, a second click while the page loads) is posted once; a button that
asks for a confirmation sends nothing when the person declines.

Runs in `make test` and in CI (which installs Chromium). Skipped only when NS_NO_BROWSER=1 is set.
"""
from __future__ import annotations

import os

import pytest
from sqlalchemy import func, select

from network_space.extensions import db
from tests.conftest import PASSWORD
from tests.helpers import browser_log_in
from tests.library.test_library_js import live_server, page  # noqa: F401 - fixtures

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(os.environ.get("NS_NO_BROWSER") == "1", reason="NS_NO_BROWSER=1: browser tests switched off"),
]


def test_a_thread_sent_twice_in_a_row_is_posted_once(app, page, make_user):  # noqa: F811
    from network_space.discussions.models import Thread

    member = make_user("member")
    browser_log_in(page, member.email, PASSWORD)
    page.goto("/discussions/nouvelle")
    page.fill("#title", "Clauses dans les marchés de propreté")
    page.fill("#body", "Qui a déjà suivi un marché de propreté avec une clause ?")
    # The answer opens in a frame, so that the page (and its form) stays for the second click,
    # which comes once the first post has been answered: a slow page, a second impatient click.
    posts = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
    with page.expect_response(lambda response: response.request.method == "POST"):
        page.evaluate("() => { const frame = document.createElement('iframe'); frame.name = 'answer'; "
                      "document.body.appendChild(frame); const form = document.querySelector('form.thread-form'); "
                      "form.target = 'answer'; form.requestSubmit(); }")
    page.evaluate("() => document.querySelector('form.thread-form').requestSubmit()")
    page.wait_for_timeout(500)
    # The frame's page and its files fully served before the server stops: a file cut off in
    # the middle is left open by the server, and its warning would fail the test.
    page.wait_for_load_state("networkidle")
    assert len(posts) == 1, posts
    with app.app_context():
        assert db.session.scalar(select(func.count(Thread.id)).where(
            Thread.title == "Clauses dans les marchés de propreté")) == 1


def test_declining_a_confirmation_sends_nothing(app, page, make_user):  # noqa: F811
    from network_space.events.models import CalendarFeed

    member = make_user("member")
    browser_log_in(page, member.email, PASSWORD)
    page.goto("/events/mon-agenda")
    with page.expect_navigation():
        page.get_by_role("button", name="Créer mon adresse d'abonnement").click()
    questions = []
    page.on("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Supprimer mon adresse d'abonnement").click()
    assert questions and "ne recevront plus les mises à jour" in questions[0]
    page.reload()  # the page, as the server now sees it
    assert page.get_by_role("button", name="Supprimer mon adresse d'abonnement").is_visible()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CalendarFeed)) == 1
