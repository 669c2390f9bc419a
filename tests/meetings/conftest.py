"""Helpers for the meeting tests: members in territories, a meeting built through the services."""
from __future__ import annotations

from datetime import date, time

import pytest

from network_space.accounts.models import Territory, User
from network_space.extensions import db
from network_space.meetings import polls, services
from network_space.meetings import minutes as minutes_services
from tests.helpers import csrf_token


@pytest.fixture
def territory(app):
    def _make(name="CAPI", sector="nord"):
        with app.app_context():
            t = Territory(name=name, sector=sector)
            db.session.add(t)
            db.session.commit()
            return t.id

    return _make


def attach_territory(user_id: int, territory_id: int) -> None:
    user = db.session.get(User, user_id)
    user.territories.append(db.session.get(Territory, territory_id))


def make_meeting(organiser_id: int, *, invitee_ids=(), title="Réunion plénière", series=None,
                 slots=((date(2026, 12, 14), time(9, 30), time(12, 0)),), **fields) -> int:
    """A draft meeting with slots, created in the current app context; returns its id."""
    organiser = db.session.get(User, organiser_id)
    data = services.MeetingData(title=title, kind=fields.pop("kind", "pleniere"), place="Grenoble",
                                organiser_ids=[organiser_id], named_member_ids=list(invitee_ids),
                                new_series=series, **fields)
    meeting = services.create_meeting(organiser, data)
    polls.add_slots(meeting, [polls.SlotInput(*s) for s in slots])
    db.session.commit()
    return meeting.id


def make_held_meeting(organiser_id: int, minutes: str | None = None) -> int:
    """A meeting scheduled on its one slot, with minutes when given, committed; returns its id.
    It is still to come (guests may be invited): take_place() puts it in the past."""
    from network_space.meetings.models import Meeting

    meeting = db.session.get(Meeting, make_meeting(organiser_id, slots=[(date(2027, 1, 4), time(9), time(10))]))
    organiser = db.session.get(User, organiser_id)
    services.schedule(meeting, meeting.slots[0].starts_at, meeting.slots[0].ends_at, organiser)
    if minutes is not None:
        minutes_services.save_minutes(meeting, organiser, minutes, {})
    db.session.commit()
    return meeting.id


def post(client, url: str, data: dict | None = None, token_page: str = "/meetings/", **kwargs):
    """POST with the session's CSRF token (scraped once from a page that has a form)."""
    page = client.get(token_page)
    payload = {"csrf_token": csrf_token(page.get_data(as_text=True))}
    payload.update(data or {})
    return client.post(url, data=payload, **kwargs)


def take_place(meeting) -> None:
    """The meeting has taken place (its minutes may be published): moved to the past, as time does."""
    from datetime import timedelta

    from network_space.core.models import utcnow

    meeting.starts_at, meeting.ends_at = utcnow() - timedelta(hours=3), utcnow() - timedelta(hours=1)
