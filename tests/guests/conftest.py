"""Fixtures for the guests tests: the events' event factory, and a guest invited to something."""
from __future__ import annotations

import pytest

from network_space.accounts.models import User
from network_space.extensions import db
from tests.events.conftest import make_event  # noqa: F401 - the fixture
from tests.meetings.conftest import make_meeting


def polled_meeting(organiser_id: int, days=(1,)) -> int:
    """A meeting whose date poll is open (a morning slot on each of these days of March 2027),
    created and committed in the current app context; returns its id."""
    from datetime import date, time

    from network_space.meetings import polls
    from network_space.meetings.models import Meeting

    meeting_id = make_meeting(organiser_id, slots=[(date(2027, 3, day), time(9), time(12)) for day in days])
    polls.open_poll(db.session.get(Meeting, meeting_id), db.session.get(User, organiser_id))
    db.session.commit()
    return meeting_id


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


def fix_first_slot(meeting_id: int, organiser_id: int) -> int:
    """Close the poll on the meeting's first slot (the date is fixed), committed; returns the slot's id."""
    from network_space.meetings import polls
    from network_space.meetings.models import Meeting

    meeting = db.session.get(Meeting, meeting_id)
    slot = meeting.slots[0]
    polls.choose_slot(meeting, slot, db.session.get(User, organiser_id))
    db.session.commit()
    return slot.id
