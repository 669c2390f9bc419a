"""Reads of announcements: the list, and the latest ones for the dashboard."""
from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload, selectinload

from network_space.announcements.models import Announcement
from network_space.extensions import db


def announcements() -> Select:
    return select(Announcement).options(joinedload(Announcement.author), selectinload(Announcement.territories)).order_by(
        Announcement.created_at.desc(), Announcement.id.desc())


def latest_announcements(limit: int = 3) -> list[Announcement]:
    return list(db.session.scalars(announcements().limit(limit)))


def dashboard_panel(user) -> dict | None:
    """The dashboard's panel: the latest announcements, hidden when there is none."""
    latest = latest_announcements()
    return {"announcements": latest} if latest else None
