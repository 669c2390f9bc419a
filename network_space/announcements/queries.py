"""Reads of announcements: the list, and the latest ones for the dashboard."""
from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload, selectinload

from network_space.announcements.models import Announcement
from network_space.core.statements import built_once
from network_space.extensions import db


def announcements(*, territories: bool = True) -> Select:
    stmt = select(Announcement).options(joinedload(Announcement.author)).order_by(
        Announcement.created_at.desc(), Announcement.id.desc())
    return stmt.options(selectinload(Announcement.territories)) if territories else stmt


@built_once
def _latest_statement():
    return announcements(territories=False).limit(3)


def latest_announcements() -> list[Announcement]:
    """The three latest, for the dashboard, which shows their title, date and author only."""
    return list(db.session.scalars(_latest_statement()))


def dashboard_panel(user) -> dict | None:
    """The dashboard's panel: the latest announcements, hidden when there is none."""
    latest = latest_announcements()
    return {"announcements": latest} if latest else None
