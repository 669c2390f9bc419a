"""Events in the site-wide search: found by title, description, place and partner; moved and
cancelled events are re-indexed at once."""
from __future__ import annotations

import pytest

from network_space.accounts.models import User
from network_space.events import services
from network_space.events.models import Event
from network_space.extensions import db
from network_space.search.engine import search


@pytest.fixture(autouse=True)
def fresh_index(app):
    from network_space.search.index import remove_index

    with app.app_context():
        remove_index()
    yield


def _titles(user, text):
    return [(hit.kind, hit.title) for hit in search(text, db.session.get(User, user.id), kinds=["events.event"]).hits]


def test_events_are_searchable_and_follow_changes(ctx, make_user, make_event):
    viewer = make_user()
    event_id = make_event(title="Job dating chantier Les Tilleuls", description="Recrutement de **maçons**",
                          place="Villefontaine")
    assert _titles(viewer, "maçon") == [("events.event", "Job dating chantier Les Tilleuls")]
    assert _titles(viewer, "villefontaine") == [("events.event", "Job dating chantier Les Tilleuls")]
    organiser = db.session.get(User, make_user("coanimator").id)
    services.cancel_event(db.session.get(Event, event_id), "Reporté", organiser)
    db.session.commit()
    hit = search("tilleuls", db.session.get(User, viewer.id), kinds=["events.event"]).hits[0]
    assert hit.obj.is_cancelled and "Annulé" in hit.fields.get("summary", "")
