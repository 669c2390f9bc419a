"""Issue 15 §7: every main page runs a bounded number of SQL statements, whatever the amount of data,
for a member of the demo network (their own notifications, meetings, threads and registrations are in
play). The bound is the issue's target: at most 8 statements per page, the session's user included."""
import pytest

from tests.core.routes import demo_users
from tests.helpers import count_queries

MAX_QUERIES = 8

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
    assert len(statements) <= MAX_QUERIES, f"{len(statements)} queries:\n\n" + "\n\n".join(statements)


# PostgreSQL plans each statement anew (a prepared statement's generic plan does not suit a paged,
# filtered list), and the time it spends grows fast with the tables joined: the discussions list
# joining nine took 19-40 ms to plan for 1 ms of execution. Relations loaded by selectinload come
# in their own, small statement.
MAX_JOINS = 6


@pytest.mark.parametrize("url", MAIN_PAGES)
def test_main_page_statements_join_few_tables(app, member_client, url):
    statements = _statements(app, member_client, url)
    joins = {statement: statement.upper().count(" JOIN ") for statement in statements}
    worst = max(joins, key=joins.get)
    assert joins[worst] <= MAX_JOINS, f"{joins[worst]} joins:\n\n{worst}"
