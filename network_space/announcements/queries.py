"""Reads of announcements: the list, and the latest ones for the dashboard."""
from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload, load_only, selectinload

from network_space.accounts.models import User
from network_space.announcements.models import Announcement
from network_space.core.statements import built_once
from network_space.extensions import db


def announcements() -> Select:
    return (select(Announcement).options(joinedload(Announcement.author), selectinload(Announcement.territories))
            .order_by(Announcement.created_at.desc(), Announcement.id.desc()))


@built_once
def _latest_statement():
    return (select(Announcement)
            .options(load_only(Announcement.id, Announcement.title, Announcement.created_at),
                     joinedload(Announcement.author).load_only(User.full_name))
            .order_by(Announcement.created_at.desc(), Announcement.id.desc()).limit(3))


def latest_announcements() -> list[Announcement]:
    """The three latest, for the dashboard, which shows their title, date and author only."""
    return list(db.session.scalars(_latest_statement()))


def dashboard_panel(user) -> dict | None:
    """The dashboard's panel: the latest announcements, hidden when there is none."""
    latest = latest_announcements()
    return {"announcements": latest} if latest else None
