"""Meetings: creation, edition, invitees, the date fixed or moved, cancellation, RSVP, agenda, and
the meeting marked held once over. The date poll is polls.py, the minutes with their decisions and
actions minutes.py, what people are told notices.py, the .ics ical.py.

Writes flush; the view commits (core/transactions.py). Every message goes through notices.py,
in the same transaction as the change.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from network_space.accounts.models import Territory, User, user_territory
from network_space.core import ics
from network_space.core.models import utcnow
from network_space.core.transactions import Refusal
from network_space.core.worker import worker_task
from network_space.extensions import db
from network_space.library.models import Resource
from network_space.meetings import notices, search
from network_space.meetings.models import (
    RSVPS,
    SCOPE_ALL,
    SCOPE_NONE,
    SCOPE_SECTOR,
    SCOPE_TERRITORIES,
    STATUS_CANCELLED,
    STATUS_DRAFT,
    STATUS_HELD,
    STATUS_POLL,
    STATUS_PUBLISHED,
    STATUS_SCHEDULED,
    AgendaItem,
    Meeting,
    MeetingInvitee,
    MeetingSeries,
)
from network_space.meetings.queries import invitee_users


class MeetingError(Refusal):
    """A rule was broken; the message is French and meant for the user."""


# --- series, creation, edition, invitees -----------------------------------------------------

def get_or_create_series(name: str) -> MeetingSeries:
    name = name.strip()
    series = db.session.scalar(select(MeetingSeries).where(func.lower(MeetingSeries.name) == name.lower()))
    if series is None:
        series = MeetingSeries(name=name)
        db.session.add(series)
    return series


@dataclass
class MeetingData:
    title: str
    kind: str = "autre"
    format: str = "presentiel"
    series_id: int | None = None
    new_series: str | None = None
    place: str | None = None
    video_link: str | None = None
    description: str | None = None
    private: bool = False
    invite_scope: str = "none"
    invite_sector: str | None = None
    territory_ids: list[int] = field(default_factory=list)
    named_member_ids: list[int] = field(default_factory=list)
    organiser_ids: list[int] = field(default_factory=list)
    secretary_id: int | None = None
    resource_ids: list[int] = field(default_factory=list)


def _users(ids, keep=()) -> list[User]:
    """The active members among ``ids``, and those of ``keep`` (the list as it stands) still
    chosen: a member deactivated since stays where they were, no one inactive is added."""
    ids = [i for i in ids or () if i]
    if not ids:
        return []
    kept = [u.id for u in keep]
    return list(db.session.scalars(select(User).where(User.id.in_(ids), or_(User.active.is_(True), User.id.in_(kept or [0])))))


def _resources(ids) -> list[Resource]:
    ids = [i for i in ids or () if i]
    return list(db.session.scalars(select(Resource).where(Resource.id.in_(ids)))) if ids else []


def _apply(meeting: Meeting, data: MeetingData, actor: User) -> None:
    meeting.title = data.title
    meeting.kind = data.kind
    meeting.format = data.format
    meeting.place = data.place or None
    meeting.video_link = data.video_link or None
    meeting.description = data.description or None
    meeting.private = data.private
    meeting.invite_scope = data.invite_scope
    meeting.invite_sector = data.invite_sector if data.invite_scope == SCOPE_SECTOR else None
    territory_ids = [i for i in data.territory_ids if i] if data.invite_scope == SCOPE_TERRITORIES else []
    meeting.territories = list(db.session.scalars(select(Territory).where(Territory.id.in_(territory_ids)))) if territory_ids else []
    meeting.named_members = _users(data.named_member_ids, keep=meeting.named_members)
    meeting.resources = _resources(data.resource_ids)
    organisers = _users(data.organiser_ids, keep=meeting.organisers)
    if not any(o.id == actor.id for o in organisers) and not meeting.organisers and actor.is_coanimator:
        organisers.append(actor)
    if not organisers:
        raise MeetingError(_("Une réunion a au moins un·e organisateur·rice."))
    meeting.organisers = organisers
    meeting.secretary_id = data.secretary_id or None
    if data.new_series:
        meeting.series = get_or_create_series(data.new_series)
    else:
        meeting.series_id = data.series_id or None


def create_meeting(actor: User, data: MeetingData) -> Meeting:
    meeting = Meeting(status=STATUS_DRAFT, created_by_id=actor.id)
    db.session.add(meeting)
    _apply(meeting, data, actor)
    db.session.flush()
    return meeting


def update_meeting(meeting: Meeting, actor: User, data: MeetingData) -> None:
    """Save the form; a scheduled meeting whose place changed sends an update (SEQUENCE + 1)."""
    before = (meeting.place, meeting.video_link, meeting.format, meeting.title)
    _apply(meeting, data, actor)
    search.reindex(meeting)
    if meeting.status == STATUS_DRAFT:
        return
    added, removed = sync_invitees(meeting)
    changed = before != (meeting.place, meeting.video_link, meeting.format, meeting.title)
    if meeting.status == STATUS_SCHEDULED and changed:
        meeting.ical_sequence += 1
        notices.send_calendar(meeting, ics.METHOD_REQUEST, invitee_users(meeting), updated=True,
                              was_place=before[0] or "" if before[0] != meeting.place else None)
        notices.tell_guests("calendar", meeting, method=ics.METHOD_REQUEST, updated=True)
        notices.send_calendar(meeting, ics.METHOD_CANCEL, removed, uninvited=True)
    else:
        _announce_invitees(meeting, added, removed, actor)


def _announce_invitees(meeting: Meeting, added: list[User], removed: list[User], actor: User | None) -> None:
    """Tell those newly invited (the invitation with its .ics, or the poll) and those no longer
    invited (the cancellation, so that the meeting leaves their calendar)."""
    if meeting.status == STATUS_SCHEDULED:
        if removed:
            meeting.ical_sequence += 1
        notices.send_calendar(meeting, ics.METHOD_REQUEST, added)
        notices.send_calendar(meeting, ics.METHOD_CANCEL, removed, uninvited=True)
    elif meeting.status == STATUS_POLL and added:
        notices.poll_opened(meeting, added, actor, meeting.poll_deadline)


def refresh_rule_invitees(user: User) -> None:
    """A member joined, was (de)activated or changed territories: every meeting not yet held (an
    open poll, or a meeting scheduled to start later) follows its invitation rule again (all
    members, a sector, territories; a member named by name stays while active), and whoever is
    added or removed is told. Registered on accounts' membership hook (__init__.py)."""
    now = utcnow()
    meetings = db.session.scalars(
        select(Meeting).where(
            ((Meeting.status == STATUS_POLL) & ((Meeting.poll_deadline.is_(None)) | (Meeting.poll_deadline > now)))
            | ((Meeting.status == STATUS_SCHEDULED) & (Meeting.starts_at > now)))
        .order_by(Meeting.id)
    )
    for meeting in meetings:
        if meeting.invite_scope == SCOPE_NONE and not any(i.user_id == user.id for i in meeting.invitees):
            continue
        added, removed = sync_invitees(meeting)
        if added or removed:
            db.session.flush()
            _announce_invitees(meeting, added, removed, None)


def resolve_invitee_ids(meeting: Meeting) -> set[int]:
    """Who is invited now: the scope resolved against current members, named members, organisers."""
    active = select(User.id).where(User.active.is_(True))
    ids: set[int] = set()
    if meeting.invite_scope == SCOPE_ALL:
        ids |= set(db.session.scalars(active))
    elif meeting.invite_scope == SCOPE_SECTOR and meeting.invite_sector:
        ids |= set(db.session.scalars(
            active.join(user_territory, user_territory.c.user_id == User.id)
            .join(Territory, Territory.id == user_territory.c.territory_id)
            .where(Territory.sector == meeting.invite_sector)
        ))
    elif meeting.invite_scope == SCOPE_TERRITORIES and meeting.territories:
        ids |= set(db.session.scalars(
            active.join(user_territory, user_territory.c.user_id == User.id)
            .where(user_territory.c.territory_id.in_([t.id for t in meeting.territories]))
        ))
    ids |= {u.id for u in meeting.named_members if u.active}
    ids |= {u.id for u in meeting.organisers if u.active}
    if meeting.secretary_id:
        ids.add(meeting.secretary_id)
    return ids


def sync_invitees(meeting: Meeting) -> tuple[list[User], list[User]]:
    """Make the MeetingInvitee rows match the scope; returns (newly invited, no longer invited)."""
    wanted = resolve_invitee_ids(meeting)
    current = {i.user_id: i for i in meeting.invitees}
    removed = []
    for user_id, invitee in current.items():
        if user_id not in wanted:
            removed.append(invitee.user)
            meeting.invitees.remove(invitee)
    added = _users(wanted - current.keys())
    for user in added:
        meeting.invitees.append(MeetingInvitee(user_id=user.id, user=user))
    return added, removed


# --- the date, cancellation, the meeting held ----------------------------------------------

def schedule(meeting: Meeting, starts_at: datetime, ends_at: datetime, actor: User) -> None:
    """Fix (or move) the date: the first time sends the invitation, later an update."""
    if ends_at <= starts_at:
        raise MeetingError(_("L'heure de fin doit être après l'heure de début."))
    if meeting.status in (STATUS_CANCELLED, STATUS_PUBLISHED):
        raise MeetingError(_("Cette réunion ne peut plus être déplacée."))
    first_time = meeting.status in (STATUS_DRAFT, STATUS_POLL)
    if not first_time and (meeting.starts_at, meeting.ends_at) == (starts_at, ends_at):
        return
    was = None if first_time else (meeting.starts_at, meeting.ends_at)
    meeting.starts_at, meeting.ends_at = starts_at, ends_at
    meeting.status = STATUS_SCHEDULED
    if not first_time:
        meeting.ical_sequence += 1
    sync_invitees(meeting)
    db.session.flush()
    notices.send_calendar(meeting, ics.METHOD_REQUEST, invitee_users(meeting), updated=not first_time, was=was)
    notices.tell_guests("calendar", meeting, method=ics.METHOD_REQUEST, updated=not first_time)
    notices.schedule_reminders(meeting)


def cancel_meeting(meeting: Meeting, actor: User, reason: str) -> None:
    if meeting.status in (STATUS_CANCELLED, STATUS_HELD, STATUS_PUBLISHED):
        raise MeetingError(_("Cette réunion ne peut plus être annulée."))
    reason = (reason or "").strip()
    if not reason:
        raise MeetingError(_("Indiquez la raison de l'annulation."))
    was_scheduled = meeting.status == STATUS_SCHEDULED
    was_announced = meeting.status != STATUS_DRAFT
    meeting.status = STATUS_CANCELLED
    meeting.cancel_reason = reason
    notices.cancel_all(meeting)
    if was_scheduled:
        meeting.ical_sequence += 1
        notices.send_calendar(meeting, ics.METHOD_CANCEL, invitee_users(meeting))
        notices.tell_guests("calendar", meeting, method=ics.METHOD_CANCEL, updated=True)
    elif was_announced:
        notices.cancelled_before_date(meeting, actor)


def mark_held(meeting: Meeting) -> None:
    if meeting.status == STATUS_SCHEDULED:
        meeting.status = STATUS_HELD
        notices.cancel_reminders(meeting)


def mark_past_meetings_held(now: datetime | None = None) -> int:
    """Scheduled meetings whose end is past become held (their reminders are dropped)."""
    now = now or utcnow()
    meetings = list(db.session.scalars(
        select(Meeting).where(Meeting.status == STATUS_SCHEDULED, Meeting.ends_at < now)
    ))
    for meeting in meetings:
        mark_held(meeting)
    return len(meetings)


@worker_task("meetings_held")
def _mark_past_meetings_held() -> int:
    count = mark_past_meetings_held()
    db.session.commit()
    return count


# --- RSVP and agenda ----------------------------------------------------------------------------

def rsvp(meeting: Meeting, user: User, value: str) -> MeetingInvitee:
    if value not in RSVPS:
        raise MeetingError(_("Réponse invalide."))
    invitee = next((i for i in meeting.invitees if i.user_id == user.id), None)
    if invitee is None or meeting.status != STATUS_SCHEDULED:
        raise MeetingError(_("Vous ne pouvez pas répondre à cette invitation."))
    invitee.rsvp = value
    invitee.rsvp_at = utcnow()
    return invitee


def add_agenda_item(meeting: Meeting, title: str, duration: int | None, presenter: str | None,
                    description: str | None, resource_ids=()) -> AgendaItem:
    position = max((i.position for i in meeting.agenda_items), default=0) + 1
    item = AgendaItem(meeting=meeting, position=position, title=title, duration_minutes=duration,
                      presenter=presenter or None, description=description or None,
                      resources=_resources(resource_ids))
    db.session.add(item)
    return item


def update_agenda_item(item: AgendaItem, title: str, duration: int | None, presenter: str | None,
                       description: str | None, resource_ids=()) -> None:
    item.title = title
    item.duration_minutes = duration
    item.presenter = presenter or None
    item.description = description or None
    item.resources = _resources(resource_ids)


def move_agenda_item(meeting: Meeting, item: AgendaItem, offset: int) -> None:
    items = sorted(meeting.agenda_items, key=lambda i: (i.position, i.id))
    index = items.index(item)
    target = index + offset
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]
    for position, each in enumerate(items, start=1):
        each.position = position


def delete_agenda_item(meeting: Meeting, item: AgendaItem) -> None:
    meeting.agenda_items.remove(item)
