"""Fixtures for the guests tests: the events' event factory, and a guest invited to something."""
from __future__ import annotations

import pytest

from network_space.accounts.models import User
from network_space.extensions import db
from tests.events.conftest import make_event  # noqa: F401 - the fixture


@pytest.fixture
def invite_guest(app):
    """Invite a typed person to an event or a meeting through the service; returns (link id, token)."""
    from network_space.events.models import Event
    from network_space.guests import services
    from network_space.guests.tokens import make_token
    from network_space.meetings.models import Meeting

    def _invite(*, event_id=None, meeting_id=None, email="chef.chantier@bailleur.example", name="Léa Martin",
                organisation="Alpes Isère Habitat", actor_id=None):
        with app.app_context():
            target = db.session.get(Event, event_id) if event_id else db.session.get(Meeting, meeting_id)
            actor = db.session.get(User, actor_id) if actor_id else None
            link = services.invite(target, [services.GuestInput(name, email, organisation_typed=organisation)], actor)[0]
            db.session.commit()
            return link.id, make_token(link)

    return _invite
