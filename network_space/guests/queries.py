"""Reads that guest pages share: the guest list of an event or a meeting with each one's state,
and the sections the guests domain adds to the event and meeting pages."""
from __future__ import annotations

from dataclasses import dataclass

from flask import g
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from network_space.core.permissions import can
from network_space.events.models import REG_REGISTERED, Event, Registration
from network_space.extensions import db
from network_space.guests.models import SOURCE_PUBLIC, Guest, GuestLink
from network_space.meetings.minutes import Attendee
from network_space.meetings.models import Meeting, PollResponse


@dataclass
class GuestRow:
    link: GuestLink
    state: str


def _links(target: Event | Meeting) -> list[GuestLink]:
    column = GuestLink.event_id if isinstance(target, Event) else GuestLink.meeting_id
    query = (select(GuestLink).join(GuestLink.guest).where(column == target.id)
             .options(joinedload(GuestLink.guest).joinedload(Guest.organisation)).order_by(Guest.name))
    return list(db.session.scalars(query))


def _page_links(target: Event | Meeting) -> list[GuestLink]:
    """The links, read once per request for the sections the guests domain adds to one page (the
    meeting page has two: its Participants and the organisers' "Invités sans compte")."""
    cache = g.setdefault("guest_links", {})
    key = (type(target).__name__, target.id)
    if key not in cache:
        cache[key] = _links(target)
    return cache[key]


def guest_rows(target: Event | Meeting, links: list[GuestLink] | None = None) -> list[GuestRow]:
    """Every guest of the event or meeting (or these of its links) with where they stand, in two
    queries (one when there is nobody)."""
    links = [link for link in (_links(target) if links is None else links)
             if link.guest.erased_at is None]  # an erased guest is only a line of the minutes
    if not links:
        return []
    if isinstance(target, Event):
        status = dict(db.session.execute(select(Registration.guest_id, Registration.status).where(
            Registration.event_id == target.id, Registration.guest_id.is_not(None))).all())
    else:
        answered = set(db.session.scalars(select(PollResponse.guest_id).where(
            PollResponse.meeting_id == target.id, PollResponse.guest_id.is_not(None))))
    rows = []
    for link in links:
        if link.revoked_at is not None:
            state = _("Lien révoqué")
        elif link.source == SOURCE_PUBLIC and link.confirmed_at is None:
            state = _("Adresse à confirmer")
        elif isinstance(target, Event):
            state = {REG_REGISTERED: _("Inscrit·e"), None: _("Pas inscrit·e")}.get(
                status.get(link.guest_id), _("Liste d'attente"))
        elif target.starts_at is not None:
            state = link.rsvp_label
        else:
            state = _("A répondu au sondage") if link.guest_id in answered else _("Pas encore répondu")
        rows.append(GuestRow(link, state))
    return rows


def meeting_participants(meeting: Meeting) -> dict | None:
    """The guests in the meeting's Participants panel, for whoever sees the panel: name,
    organisation and answer, never their address. Revoked links are gone from it."""
    live = [link for link in _page_links(meeting) if link.revoked_at is None]
    return {"rows": guest_rows(meeting, live)} if live else None


def minutes_attendees(meeting: Meeting) -> list[Attendee]:
    """The meeting's guests in its minutes' attendance, after the members: every guest whose link
    is live (invited, whatever they answered), and a revoked one whose attendance was recorded."""
    return [Attendee(f"guest-{link.id}", link.guest.name, _guest_note(link.guest), link)
            for link in _links(meeting) if link.revoked_at is None or link.attendance is not None]


def _guest_note(guest: Guest) -> str:
    if guest.erased_at is not None:
        return ""  # the name already says it: "Invité·e (données effacées)"
    if guest.organisation_label:
        return _("invité·e, %(organisation)s", organisation=guest.organisation_label)
    return _("invité·e")


def _section(target: Event | Meeting, endpoint_args: dict) -> dict | None:
    if not can("guests.manage", target):
        return None
    live = [link for link in _page_links(target) if link.revoked_at is None]
    return {"target": target, "count": len(live), "manage_args": endpoint_args}


def event_section(event: Event) -> dict | None:
    return _section(event, {"endpoint": "guests.event_guests", "event_id": event.id})


def meeting_section(meeting: Meeting) -> dict | None:
    return _section(meeting, {"endpoint": "guests.meeting_guests", "meeting_id": meeting.id})
