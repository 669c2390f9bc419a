"""Reads of the notification centre."""
from __future__ import annotations

from collections import defaultdict
from datetime import date
from itertools import groupby

from flask import g
from flask_login import current_user
from sqlalchemy import func, select

from network_space.core.dates import to_paris
from network_space.extensions import db
from network_space.notifications.models import Notification
from network_space.notifications.registry import target_model


def notifications_of(user_id: int):
    return select(Notification).where(Notification.user_id == user_id).order_by(
        Notification.created_at.desc(), Notification.id.desc()
    )


def unread_count_of(user_id):
    """The number of ``user_id``'s unread notifications, as a SQL expression: accounts asks it in the
    statement that loads the logged-in member (remember_unread_count), so the bell on every page
    costs no query of its own."""
    return select(func.count(Notification.id)).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)).scalar_subquery()


def remember_unread_count(count: int) -> None:
    g.unread_notifications = count


def forget_unread_count() -> None:
    """After a change of what is read, the bell counts again when the page is drawn."""
    g.pop("unread_notifications", None)


def current_unread_count() -> int:
    """For the bell on every page: known since the member was loaded, else one COUNT."""
    if not current_user.is_authenticated:
        return 0
    if "unread_notifications" not in g:
        g.unread_notifications = db.session.scalar(select(unread_count_of(current_user.id))) or 0
    return g.unread_notifications


def missing_targets(notifications: list[Notification]) -> set[int]:
    """Ids of the notifications whose target no longer exists: one query per target type."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for n in notifications:
        if n.target_type and n.target_id is not None:
            wanted[n.target_type].add(n.target_id)
    found: dict[str, set[int]] = {}
    for type_name, ids in wanted.items():
        model = target_model(type_name)
        found[type_name] = set(db.session.scalars(select(model.id).where(model.id.in_(ids)))) if model else set()
    return {
        n.id for n in notifications
        if n.target_type and n.target_id is not None and n.target_id not in found.get(n.target_type, set())
    }


def by_day(notifications: list[Notification]) -> list[tuple[date, list[Notification]]]:
    return [(day, list(items)) for day, items in groupby(notifications, key=lambda n: to_paris(n.created_at).date())]
