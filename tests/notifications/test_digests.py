"""Digests: 08:00 Europe/Paris daily and Monday 08:00 weekly, across both DST changes of 2026,
one email per member, none when empty, never the same item twice, catch-up after downtime."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from network_space.announcements.models import Announcement
from network_space.core.models import utcnow
from network_space.core.outbox import deliver_pending
from network_space.extensions import db
from network_space.notifications.digests import latest_slot, send_digests
from network_space.notifications.models import Notification
from network_space.notifications.services import notify, set_preference


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("now", "slot"),
    [
        # Saturday 28 March 2026, still winter time: 08:00 Paris = 07:00 UTC.
        (utc(2026, 3, 28, 6, 59), utc(2026, 3, 27, 7, 0)),
        (utc(2026, 3, 28, 7, 0), utc(2026, 3, 28, 7, 0)),
        # Sunday 29 March 2026, summer time from 02:00: 08:00 Paris = 06:00 UTC.
        (utc(2026, 3, 29, 5, 59), utc(2026, 3, 28, 7, 0)),
        (utc(2026, 3, 29, 6, 0), utc(2026, 3, 29, 6, 0)),
        # Sunday 25 October 2026, back to winter time at 03:00: 08:00 Paris = 07:00 UTC.
        (utc(2026, 10, 24, 6, 0), utc(2026, 10, 24, 6, 0)),
        (utc(2026, 10, 25, 6, 30), utc(2026, 10, 24, 6, 0)),
        (utc(2026, 10, 25, 7, 0), utc(2026, 10, 25, 7, 0)),
    ],
)
def test_daily_slot_is_8am_paris_across_dst(now, slot):
    assert latest_slot("daily", now) == slot


@pytest.mark.parametrize(
    ("now", "slot"),
    [
        (utc(2026, 3, 29, 23, 0), utc(2026, 3, 23, 7, 0)),  # Sunday: last Monday, winter time
        (utc(2026, 3, 30, 5, 59), utc(2026, 3, 23, 7, 0)),
        (utc(2026, 3, 30, 6, 0), utc(2026, 3, 30, 6, 0)),  # Monday 30 March 08:00 CEST
        (utc(2026, 10, 26, 6, 30), utc(2026, 10, 19, 6, 0)),
        (utc(2026, 10, 26, 7, 0), utc(2026, 10, 26, 7, 0)),  # Monday 26 October 08:00 CET
    ],
)
def test_weekly_slot_is_monday_8am_paris_across_dst(now, slot):
    assert latest_slot("weekly", now) == slot


def _item(user_id, title, created_at, channel="daily", category="library"):
    n = Notification(user_id=user_id, kind="test.resource", category=category, channel=channel, title=title,
                     url="/annonces/1", context_json="{}", created_at=created_at)
    db.session.add(n)
    db.session.commit()
    return n


def _bodies(smtp, address):
    return [m.get_body(("plain",)).get_content() for m in smtp.to(address)]


def test_daily_digest_across_spring_dst(ctx, smtp, make_user):
    alice, bob = make_user(full_name="Alice"), make_user(full_name="Bob")
    _item(alice.id, "Guide achats responsables", utc(2026, 3, 27, 15, 0))
    _item(alice.id, "Modèle de clause", utc(2026, 3, 27, 16, 0), category="meetings")
    _item(bob.id, "Déjà lu", utc(2026, 3, 27, 16, 0)).read_at = utc(2026, 3, 27, 17, 0)
    db.session.commit()

    assert send_digests("daily", now=utc(2026, 3, 28, 7, 0, 5)) == 1  # Bob's only item was read
    assert send_digests("daily", now=utc(2026, 3, 28, 9, 0)) == 0  # same slot: nothing twice
    deliver_pending()
    [text] = _bodies(smtp, alice.email)
    assert "Guide achats responsables" in text and "Modèle de clause" in text
    assert text.index("Réunions") < text.index("Bibliothèque")  # grouped by category, registry order
    assert smtp.to(bob.email) == []
    [message] = smtp.to(alice.email)
    assert message["Subject"] == "Votre résumé du jour : 2 nouveautés"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Auto-Submitted"] == "auto-generated"

    # An item of Saturday evening; Sunday is the DST day: not before 06:00 UTC (08:00 CEST).
    _item(alice.id, "Compte-rendu plénière", utc(2026, 3, 28, 19, 0))
    assert send_digests("daily", now=utc(2026, 3, 29, 5, 59)) == 0
    assert send_digests("daily", now=utc(2026, 3, 29, 6, 0)) == 1
    deliver_pending()
    texts = _bodies(smtp, alice.email)
    assert len(texts) == 2 and "Compte-rendu plénière" in texts[1] and "Guide achats" not in texts[1]


def test_weekly_digest_across_autumn_dst_and_empty_weeks(ctx, smtp, make_user):
    member = make_user()
    _item(member.id, "Nouvelle ressource", utc(2026, 10, 21, 10, 0), channel="weekly")
    _item(member.id, "Quotidien, pas hebdo", utc(2026, 10, 21, 10, 0), channel="daily")
    assert send_digests("weekly", now=utc(2026, 10, 26, 6, 59)) == 1  # slot of Monday 19 (first run)
    assert send_digests("weekly", now=utc(2026, 10, 26, 7, 0)) == 0  # Monday 26, 08:00 CET: nothing new
    deliver_pending()
    [message] = smtp.to(member.email)
    text = message.get_body(("plain",)).get_content()
    assert "Nouvelle ressource" in text and "Quotidien" not in text
    assert message["Subject"] == "Votre résumé de la semaine : 1 nouveauté"
    # The daily item is left for the daily digest.
    assert db.session.scalar(select(Notification.digested_at).where(Notification.channel == "daily")) is None


def test_catch_up_after_the_worker_was_down(ctx, smtp, make_user):
    member = make_user()
    assert send_digests("daily", now=utc(2026, 5, 4, 7, 0)) == 0  # nothing yet, slot 4 May taken
    for day in (4, 5, 6):
        _item(member.id, f"Item du {day} mai", utc(2026, 5, day, 12, 0))
    # The worker was down from 4 May noon to 7 May 10:00: one digest with all three items.
    assert send_digests("daily", now=utc(2026, 5, 7, 8, 0)) == 1
    assert send_digests("daily", now=utc(2026, 5, 7, 8, 5)) == 0
    deliver_pending()
    [text] = _bodies(smtp, member.email)
    assert all(f"Item du {day} mai" in text for day in (4, 5, 6))


def test_digest_through_notify_and_preferences(ctx, smtp, make_user, announcement):
    member = make_user()
    set_preference(member, "meetings", "weekly")
    db.session.commit()
    notify("test.meeting", [member], db.session.get(Announcement, announcement("Plénière de juin")))
    db.session.commit()
    assert send_digests("daily", now=utcnow() + timedelta(days=8)) == 0
    assert send_digests("weekly", now=utcnow() + timedelta(days=8)) == 1
    deliver_pending()
    assert "Plénière de juin" in _bodies(smtp, member.email)[0]
