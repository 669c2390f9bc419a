"""The event kinds, kept by admins: added, renamed, deleted when no event uses them."""
from __future__ import annotations

import re
import unicodedata

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from network_space.accounts.models import User
from network_space.core.audit import audit
from network_space.core.transactions import Refusal
from network_space.events.models import Event, EventKind
from network_space.events.search import KIND as SEARCH_KIND
from network_space.extensions import db
from network_space.notifications.models import Follow
from network_space.notifications.services import follow, forget_target
from network_space.search import enqueue

# A kind's code is what events reference (event.kind) and what the calendar filter links carry:
# it is made once from the first name and never changes, so a rename keeps events, follows
# (by id) and bookmarked filters.

class KindError(Refusal):
    """A kind change refused; the message is French, for the admin, shown under the name field."""

    def __init__(self, message: str):
        super().__init__(message, field="label")


def _check_label_free(label: str, kind: EventKind | None = None) -> None:
    # Compared in Python: SQLite's lower() leaves accented capitals as they are ("É" ≠ "é").
    wanted = label.casefold()
    if any(other.label.casefold() == wanted for other in db.session.scalars(select(EventKind)) if other is not kind):
        raise KindError(_("Ce type d'événement existe déjà."))


def _new_code(label: str) -> str:
    ascii_label = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode().lower()
    # 24 characters leave room for a "_<n>" suffix within the column's 30.
    base = re.sub(r"[^a-z0-9]+", "_", ascii_label).strip("_")[:24].rstrip("_") or "type"
    taken = set(db.session.scalars(select(EventKind.code)))
    code, n = base, 1
    while code in taken:
        n += 1
        code = f"{base}_{n}"
    return code


def add_kind(label: str, actor) -> EventKind:
    """A new kind, last in the list. Members who follow every kind ("Tous les types") follow it
    too, so that they keep hearing about every new event."""
    _check_label_free(label)
    kind_count = db.session.scalar(select(func.count(EventKind.id)))
    following_all = list(db.session.scalars(
        select(User).join(Follow, Follow.user_id == User.id)
        .where(Follow.target_type == EventKind.__notification_type__)
        .group_by(User.id).having(func.count(Follow.id) == kind_count)
    )) if kind_count else []
    kind = EventKind(code=_new_code(label), label=label,
                     position=(db.session.scalar(select(func.max(EventKind.position))) or 0) + 1)
    db.session.add(kind)
    try:
        db.session.flush()
    except IntegrityError as error:  # another admin added the same kind at the same moment
        db.session.rollback()  # (the message is translated for a user read from the database)
        raise KindError(_("Ce type vient d'être ajouté par quelqu'un d'autre : rechargez la page.")) from error
    for user in following_all:
        follow(user, kind)
    audit("events.kind_add", target=label, actor=actor)
    return kind


def rename_kind(kind: EventKind, label: str, actor) -> None:
    _check_label_free(label, kind)
    old = kind.label
    kind.label = label
    # Events keep their kind by code; their search documents carry the name.
    for event_id in db.session.scalars(select(Event.id).where(Event.kind == kind.code)):
        enqueue(SEARCH_KIND, event_id)
    audit("events.kind_rename", target=label, detail=old, actor=actor)


def delete_kind(kind: EventKind, actor) -> None:
    """Only a kind no event uses: events are never left without a kind. Its follows go with it."""
    used = db.session.scalar(select(func.count(Event.id)).where(Event.kind == kind.code))
    if used:
        raise KindError(ngettext(
            "« %(label)s » est le type d'un événement : il ne peut pas être supprimé. "
            "Renommez-le, ou changez d'abord le type de cet événement.",
            "« %(label)s » est le type de %(num)d événements : il ne peut pas être supprimé. "
            "Renommez-le, ou changez d'abord le type de ces événements.", used, label=kind.label))
    label = kind.label
    forget_target(kind)
    db.session.delete(kind)
    try:
        db.session.flush()
    except IntegrityError as error:
        # An event was given this kind between the check and the delete (PostgreSQL's foreign key).
        db.session.rollback()
        raise KindError(_("« %(label)s » vient d'être choisi pour un événement : il n'a pas été supprimé.",
                          label=label)) from error
    audit("events.kind_delete", target=label, actor=actor)
