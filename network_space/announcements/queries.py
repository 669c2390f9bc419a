"""Reads of announcements: the list, and the latest ones for the dashboard."""
from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload, selectinload

from network_space.announcements.models import Announcement
from network_space.extensions import db


def announcements(*, territories: bool = True) -> Select:
    stmt = select(Announcement).options(joinedload(Announcement.author)).order_by(
        Announcement.created_at.desc(), Announcement.id.desc())
    return stmt.options(selectinload(Announcement.territories)) if territories else stmt


def latest_announcements(limit: int = 3) -> list[Announcement]:
    """For the dashboard, which shows their title, date and author only."""
    return list(db.session.scalars(announcements(territories=False).limit(limit)))


def dashboard_panel(user) -> dict | None:
    """The dashboard's panel: the latest announcements, hidden when there is none."""
    latest = latest_announcements()
    return {"announcements": latest} if latest else None
