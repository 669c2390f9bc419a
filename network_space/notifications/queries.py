"""Reads of the notification centre."""
from __future__ import annotations

from collections import defaultdict
from datetime import date
from itertools import groupby

from flask import g
from flask_login import current_user
from sqlalchemy import func, literal_column, select, union_all

from network_space.core.dates import to_paris
from network_space.core.i18n import fold
from network_space.core.statements import Viewer, built_once
from network_space.extensions import db
from network_space.notifications.models import Follow, Notification
from network_space.notifications.registry import followed_as, may_view_target, target_model


@built_once
def notifications_of():
    """The member's notifications, newest first (executed with core.statements.values(member))."""
    return select(Notification).where(Notification.user_id == Viewer.id).order_by(
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
    """Ids of the notifications whose target no longer exists: one statement for all the target
    types of the page (a UNION ALL of one lookup per type, each row tagged with its type's rank)
    rather than one per type, each with the ORM's cost of building and running it."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for n in notifications:
        if n.target_type and n.target_id is not None:
            wanted[n.target_type].add(n.target_id)
    types = [(name, model, ids) for name, ids in wanted.items() if (model := target_model(name)) is not None]
    found: set[tuple[str, int]] = set()
    if types:
        lookups = [select(literal_column(str(rank)), model.id).where(model.id.in_(ids))
                   for rank, (_name, model, ids) in enumerate(types)]
        rows = db.session.execute(lookups[0] if len(lookups) == 1 else union_all(*lookups))
        found = {(types[rank][0], target_id) for rank, target_id in rows}
    return {
        n.id for n in notifications
        if n.target_type and n.target_id is not None and (n.target_type, n.target_id) not in found
    }


def by_day(notifications: list[Notification]) -> list[tuple[date, list[Notification]]]:
    return [(day, list(items)) for day, items in groupby(notifications, key=lambda n: to_paris(n.created_at).date())]


def followed_by(user) -> list[tuple[str, list[tuple[str, object]]]]:
    """What ``user`` follows and may still see, as (type name, object) pairs grouped under each
    kind's heading ("Discussions", "Territoires"…), by title: one query for the follows, one per
    kind of target."""
    ids: dict[str, list[int]] = defaultdict(list)
    for target_type, target_id in db.session.execute(
            select(Follow.target_type, Follow.target_id).where(Follow.user_id == user.id)):
        ids[target_type].append(target_id)
    groups = []
    for target_type, target_ids in ids.items():
        model = target_model(target_type)
        if model is None:
            continue  # a part of the site since removed
        shown = [(target_type, obj) for obj in db.session.scalars(select(model).where(model.id.in_(target_ids)))
                 if may_view_target(user, obj)]
        if shown:
            groups.append((followed_as(target_type), sorted(shown, key=lambda pair: fold(pair[1].notification_title()))))
    return sorted(groups, key=lambda group: fold(group[0]))
