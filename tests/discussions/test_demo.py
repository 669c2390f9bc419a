"""The demo discussions: a dozen threads and more across the categories, a resolved question, the
two write-ups (a social landlord's building site, a cleaning contract reserved to an ESAT),
mentions that reached their members, links shown on the linked pages, unread markers."""
from __future__ import annotations

from sqlalchemy import func, select

from network_space import DOMAINS
from network_space.demo import seed_demo
from network_space.discussions.models import Reply, Thread, ThreadLink
from network_space.extensions import db
from network_space.notifications.models import Notification


def test_demo_discussions(ctx, client):
    demo = seed_demo(DOMAINS)
    threads = list(db.session.scalars(select(Thread)))
    assert len(threads) >= 12
    assert len({t.category_id for t in threads}) == 6
    assert db.session.scalar(select(func.count(Reply.id))) >= 25
    resolved = [t for t in threads if t.is_question and t.resolved]
    assert len(resolved) == 1 and resolved[0].answer_number == 2
    writeups = {t.title: t.writeup for t in threads if t.is_writeup}
    assert len(writeups) == 2
    landlord = next(w for title, w in writeups.items() if "logements" in title)
    esat = next(w for title, w in writeups.items() if "ESAT" in title)
    assert landlord.buyer.kind.slug == "bailleur-social" and landlord.insertion_hours == 4200
    assert esat.clause_mechanism == "reserve_l2113_12" and esat.sector.name == "Propreté et nettoyage"
    assert any(t.pinned for t in threads) and any(t.closed for t in threads)
    assert any(t.category.coanimators_only for t in threads)
    mentioned = db.session.scalar(select(func.count(Notification.id)).where(Notification.kind == "discussions.mention"))
    assert mentioned >= 6
    assert {link.target_type for link in db.session.scalars(select(ThreadLink))} == {
        "library_resource", "event", "meeting", "organisation"}

    facilitator = demo.data["users"]["facilitator_01"]
    with client.session_transaction() as session:
        session["_user_id"] = facilitator.session_token
    listing = client.get("/discussions/").get_data(as_text=True)
    assert "unread-marker" in listing and "Nouveau" in listing
    assert client.get("/discussions/?non_lus=1").status_code == 200
    assert "2 fiches" in client.get("/discussions/fiches").get_data(as_text=True)
    for thread in threads:
        expected = 404 if thread.category.coanimators_only else 200
        assert client.get(f"/discussions/{thread.id}").status_code == expected, thread.title
    organisation_link = db.session.scalar(select(ThreadLink).where(ThreadLink.target_type == "organisation"))
    page = client.get(f"/directory/{organisation_link.target_id}").get_data(as_text=True)
    assert f'href="/discussions/{organisation_link.thread_id}"' in page
