"""Publishing an announcement: who it reaches, and the notification each of them gets."""
from __future__ import annotations

from typing import Iterable

from sqlalchemy import select

from network_space.accounts.models import Territory, User
from network_space.announcements.models import (
    AUDIENCE_ALL, AUDIENCE_NORD, AUDIENCE_SUD, AUDIENCE_TERRITORIES, Announcement,
)
from network_space.extensions import db
from network_space.notifications.services import notify


def announcement_recipients(audience: str, territory_ids: Iterable[int] = ()) -> list[User]:
    """Active members addressed by an audience: everyone, a sector's territories, or chosen ones."""
    query = select(User).where(User.active.is_(True)).order_by(User.id)
    if audience in (AUDIENCE_NORD, AUDIENCE_SUD):
        query = query.where(User.territories.any(Territory.sector == audience))
    elif audience == AUDIENCE_TERRITORIES:
        query = query.where(User.territories.any(Territory.id.in_(list(territory_ids))))
    elif audience != AUDIENCE_ALL:
        raise ValueError(f"unknown audience {audience!r}")
    return list(db.session.scalars(query))


def publish_announcement(author, title: str, body: str, audience: str, territory_ids: Iterable[int] = ()) -> Announcement:
    """Create an announcement and notify its audience (the author included in the count, not
    notified). The caller commits."""
    territory_ids = list(territory_ids) if audience == AUDIENCE_TERRITORIES else []
    announcement = Announcement(title=title, body=body, audience=audience, author_id=author.id)
    if territory_ids:
        announcement.territories = list(db.session.scalars(select(Territory).where(Territory.id.in_(territory_ids))))
    db.session.add(announcement)
    db.session.flush()
    recipients = announcement_recipients(audience, territory_ids)
    announcement.recipient_count = len(recipients)
    notify("announcement.published", recipients, announcement, actor=author, author_name=author.full_name)
    return announcement
