"""The demo events: about fifteen over three months, partners from the directory, one full with
a waiting list, one cancelled; pages render with them."""
from __future__ import annotations

from datetime import timedelta

from network_space import DOMAINS
from network_space.core.models import utcnow
from network_space.demo import seed_demo
from network_space.events import services


def test_demo_events(ctx, client):
    demo = seed_demo(DOMAINS)
    events = demo.data["events"]
    now = utcnow()
    upcoming = [e for e in events if e.starts_at > now]
    assert 14 <= len(upcoming) <= 16
    assert all(e.starts_at < now + timedelta(days=92) for e in upcoming)
    assert len({e.kind for e in events}) == 8
    assert len({e.territory_id for e in events}) >= 7
    groups = {p.kind.group for e in events for p in e.partners}
    assert {"buyer", "disability", "insertion"} <= groups
    assert any(p.kind.slug == "bailleur-social" for e in events for p in e.partners)
    full = events[0]
    assert services.places_left(full) == 0 and services.registrations(full, "waiting")
    assert any(e.is_cancelled for e in events)
    token, month, full_id = demo.data["facilitators"][0].session_token, full.first_day.strftime("%Y-%m"), full.id
    with client.session_transaction() as session:
        session["_user_id"] = token
    assert client.get(f"/events/?date={month}").status_code == 200
    assert client.get(f"/events/{full_id}").status_code == 200
    assert client.get("/events/a-venir").status_code == 200
