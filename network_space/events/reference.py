"""Reference data: the event kinds a new site starts with, in display order (issue #7).

Migration 0010_event_kinds (revision 0008) inserts a frozen copy of this list in every database;
``ensure_event_kinds()`` adds whatever is missing in a database built without migrations (tests)."""
from __future__ import annotations

from sqlalchemy import select

from network_space.events.models import EventKind
from network_space.extensions import db

# (code, label)
EVENT_KINDS = (
    ("joint_action", "Action conjointe avec un donneur d'ordre"),
    ("forum", "Forum ou job dating"),
    ("site_visit", "Visite de chantier"),
    ("info_session", "Information collective"),
    ("buyers_meeting", "Rencontre acheteurs"),
    ("training", "Formation ou webinaire"),
    ("partners_meeting", "Réunion partenaires"),
    ("other", "Autre"),
)


def ensure_event_kinds() -> list[EventKind]:
    """The reference kinds, inserting those missing (never duplicating), in their positions."""
    existing = {kind.code: kind for kind in db.session.scalars(select(EventKind))}
    kinds = []
    for position, (code, label) in enumerate(EVENT_KINDS, start=1):
        kind = existing.get(code)
        if kind is None:
            kind = EventKind(code=code, label=label, position=position)
            db.session.add(kind)
        kinds.append(kind)
    db.session.flush()
    return kinds
