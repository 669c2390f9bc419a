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
    # Nobody registered after the event (a past one's export would say so).
    assert all(r.created_at < e.starts_at for e in events for r in services.registrations(e))
    token, month, full_id = demo.data["facilitators"][0].session_token, full.first_day.strftime("%Y-%m"), full.id
    with client.session_transaction() as session:
        session["_user_id"] = token
    assert client.get(f"/events/?date={month}").status_code == 200
    assert client.get(f"/events/{full_id}").status_code == 200
    assert client.get("/events/a-venir").status_code == 200


def test_demo_events_fall_on_working_days(ctx):
    """No demo event on a Saturday, a Sunday or a French public holiday: the network does not
    meet then, and a demo that shows it would mislead."""
    from network_space.events.queries import french_holidays

    events = seed_demo(DOMAINS).data["events"]
    for event in events:
        days = [event.first_day + timedelta(days=n) for n in range((event.last_day - event.first_day).days + 1)]
        closed = french_holidays(days[0], days[-1])
        assert all(d.weekday() < 5 and d not in closed for d in days), (event.title, days)


def test_working_day_skips_weekends_and_holidays():
    from datetime import date

    from network_space.events.demo import working_day
    from network_space.events.queries import french_holidays

    closed = french_holidays(date(2026, 1, 1), date(2027, 12, 31))
    for offset in range(700):
        day = date(2026, 1, 1) + timedelta(days=offset)
        for extra in (0, 1):
            moved = working_day(day, extra)
            span = [moved + timedelta(days=n) for n in range(extra + 1)]
            assert moved >= day and all(d.weekday() < 5 and d not in closed for d in span)
            assert (moved - day).days <= 5
    assert working_day(date(2026, 12, 25)) == date(2026, 12, 28)  # Christmas (Friday) → Monday
