"""Issue 15 §7: every main page runs a bounded number of SQL statements, whatever the amount of data,
for a member of the demo network (their own notifications, meetings, threads and registrations are in
play). The bound is the issue's target: at most 8 statements per page, the session's user included."""
import pytest

from tests.core.routes import demo_users
from tests.helpers import count_queries

MAX_QUERIES = 8

# Pages not at the target yet, with the count they must not exceed meanwhile (issue 15 §7 is open
# for them: the target test below is a strict xfail, so it fails as soon as one reaches 8 — then
# remove it from here).
# The dashboard went from 20 to 16, then the welcome checklist (its steps read the member's
# territories, follows, feed, preferences, guide and next plenary) brought it to 23.
NOT_YET = {"/": 12, "/meetings/": 9}

MAIN_PAGES = [
    "/",
    "/library/",
    "/library/?q=clauses",
    "/directory/",
    "/meetings/",
    "/events/",
    "/members/",
    "/notifications/",
    "/discussions/",
]


@pytest.fixture
def member_client(app):
    users = demo_users(app)
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = users["member"][1]
        session["_fresh"] = True
    return client


def _statements(app, client, url) -> list[str]:
    assert client.get(url).status_code == 200  # first request: the once-a-day caches are filled
    with count_queries(app) as counter:
        response = client.get(url)
    assert response.status_code == 200
    return counter.statements


@pytest.mark.parametrize("url", MAIN_PAGES)
def test_main_page_query_count_does_not_grow(app, member_client, url):
    statements = _statements(app, member_client, url)
    budget = NOT_YET.get(url, MAX_QUERIES)
    assert len(statements) <= budget, f"{len(statements)} queries:\n\n" + "\n\n".join(statements)


@pytest.mark.parametrize("url", [
    pytest.param(url, marks=pytest.mark.xfail(strict=True, reason="issue 15 §7 not done for this page"))
    for url in NOT_YET
])
def test_page_not_yet_at_target_runs_at_most_8_queries(app, member_client, url):
    assert len(_statements(app, member_client, url)) <= MAX_QUERIES
