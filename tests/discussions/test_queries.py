"""A thread with 500 replies and a list over 5,000 threads cost a bounded number of SQL queries:
the same as a thread with a few replies and a list of a few threads."""
from __future__ import annotations

import re

from network_space.extensions import db
from tests.discussions.bulk import add_replies, add_threads
from tests.helpers import count_queries

# Measured once and kept as the budget: the user and the notification bell, the thread or the
# list, each page's relations in one query each, the read markers, the linked objects, the
# follow button, the members of the @mentions; on a thread, the accepted answer when it is on
# another page (shown on top).
THREAD_PAGE_BUDGET = 13
LIST_PAGE_BUDGET = 11


def _members(make_user, n=6):
    return [make_user(full_name=f"Membre Numéro{i}") for i in range(n)]


def test_a_thread_with_500_replies_in_bounded_queries(app, client, login_as, make_user, make_thread, make_reply):
    members = _members(make_user)
    ids = [m.id for m in members]
    small = make_thread(members[0], title="Petit fil", kind="question")
    make_reply(members[1], small, "Réponse @membre.numero2")
    big = make_thread(members[0], title="Grand fil", kind="question")
    with app.app_context():
        add_replies(big, 500, ids, mention="@membre.numero3")
        from network_space.discussions.models import Thread

        db.session.get(Thread, big).answer_number = 7  # the answer box, on another page than the last
        db.session.commit()
    login_as("member")
    client.get(f"/discussions/{small}")  # warm-up: templates compiled, read markers written
    client.get(f"/discussions/{big}?page=10")
    with count_queries(app) as few:
        client.get(f"/discussions/{small}")
    with count_queries(app) as first:
        page = client.get(f"/discussions/{big}").get_data(as_text=True)
    with count_queries(app) as last:
        last_page = client.get(f"/discussions/{big}?page=10").get_data(as_text=True)
    assert len(re.findall(r'<article class="message[^"]*"', page)) == 51  # the opening message and 50 replies
    assert 'id="reply-500"' in last_page and "Réponse retenue" in last_page
    assert 'class="mention"' in page and "Message supprimé" in page and "modifié le" in page
    assert few.count <= THREAD_PAGE_BUDGET, few
    assert first.count <= THREAD_PAGE_BUDGET, first
    assert last.count <= THREAD_PAGE_BUDGET, last


def test_a_list_over_5000_threads_in_bounded_queries(app, client, login_as, make_user):
    from datetime import timedelta

    members = _members(make_user)
    reader = login_as("member")
    with app.app_context():
        from network_space.accounts.models import User
        from network_space.core.models import utcnow

        db.session.get(User, reader.id).created_at = utcnow() - timedelta(days=30)  # all is news to them
        db.session.commit()
        add_threads(40, [m.id for m in members], reader.id)
    client.get("/discussions/")  # warm-up
    with count_queries(app) as few:
        client.get("/discussions/")
    with count_queries(app) as few_unread:
        client.get("/discussions/?non_lus=1&etiquette=btp")
    with app.app_context():
        add_threads(5000, [m.id for m in members], reader.id, start=40)
    with count_queries(app) as many:
        page = client.get("/discussions/").get_data(as_text=True)
    with count_queries(app) as many_unread:
        unread = client.get("/discussions/?non_lus=1&etiquette=btp&page=20").get_data(as_text=True)
    with count_queries(app) as writeups:
        cards = client.get("/discussions/fiches?mecanisme=execution&page=3").get_data(as_text=True)
    assert "5040 discussions" in page
    assert "Page 20 sur" in unread and len(re.findall(r'class="thread-title"', unread)) == 30
    assert "504 fiches" in cards
    for counter in (few, few_unread, many, many_unread, writeups):
        assert counter.count <= LIST_PAGE_BUDGET, counter
    assert many.count == few.count and many_unread.count == few_unread.count
