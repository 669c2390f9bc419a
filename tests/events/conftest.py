"""Fixtures for the events tests: an event factory."""
from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from network_space.core.dates import paris_to_utc
from network_space.core.models import utcnow
from network_space.extensions import db


@pytest.fixture
def make_event(app):
    from network_space.events.models import Event

    def _make(*, days_ahead: int = 10, day: date | None = None, start: time = time(9, 30), hours: int = 2,
              capacity=None, organisers=(), **fields):
        day = day or (utcnow() + timedelta(days=days_ahead)).date()
        with app.app_context():
            starts = paris_to_utc(day, start)
            event = Event(title=fields.pop("title", "Job dating chantier Les Tilleuls"),
                          kind=fields.pop("kind", "forum"), starts_at=starts,
                          ends_at=fields.pop("ends_at", starts + timedelta(hours=hours)),
                          capacity=capacity, status=fields.pop("status", "planned"), sequence=0, **fields)
            from network_space.accounts.models import User

            event.organisers = [db.session.get(User, u.id) for u in organisers]
            db.session.add(event)
            db.session.commit()
            db.session.refresh(event)
            event_id = event.id
            db.session.expunge_all()
            return event_id

    return _make
