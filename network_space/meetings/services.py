"""Every write and rule about meetings: what views, the worker, the demo and tests call.

The caller commits. Every message goes through notify(), in the same transaction as the change.
Calendar messages (invitation, update, cancellation) carry the .ics (REQUEST / CANCEL) on their
immediate email and follow each member's "Réunions" preference, except that a change or a
cancellation always reaches by email the members who answered "je viens" or "peut-être" (see
send_calendar).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from network_space.accounts.models import Territory, User, user_territory
from network_space.core import ics
from network_space.core.dates import fmt_datetime, paris_to_utc
from network_space.core.models import utcnow
from network_space.core.transactions import Refusal
from network_space.extensions import db
from network_space.library.models import Resource
from network_space.meetings import search
from network_space.meetings.models import (
    ACTION_DONE,
    ACTION_STATUSES,
    ANSWER_MAYBE,
    ANSWER_NO,
    ANSWER_YES,
    ANSWERS,
    ATTENDANCE,
    OPEN_ACTION_STATUSES,
    RSVP_MAYBE,
    RSVP_NO,
    RSVP_YES,
    RSVPS,
    SCOPE_ALL,
    SCOPE_SECTOR,
    SCOPE_TERRITORIES,
    STATUS_CANCELLED,
    STATUS_DRAFT,
    STATUS_HELD,
    STATUS_POLL,
    STATUS_PUBLISHED,
    STATUS_SCHEDULED,
    ActionItem,
    AgendaItem,
    Decision,
    Meeting,
    MeetingInvitee,
    MeetingSeries,
    Minutes,
    MinutesRevision,
    PollAnswer,
    PollResponse,
    PollSlot,
)
from network_space.notifications.services import absolute_url, cancel_job, cancel_jobs, notify, schedule_job, site_context

REMINDER_DAYS = (7, 1)
POLL_REMINDER_BEFORE = timedelta(days=1)
ACTION_REMINDER_DAYS_BEFORE = 2
REMINDER_HOUR = time(8, 0)


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


def _users(ids) -> list[User]:
    ids = [i for i in ids or () if i]
    if not ids:
        return []
    return list(db.session.scalars(select(User).where(User.id.in_(ids), User.active.is_(True))))


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
    meeting.named_members = _users(data.named_member_ids)
    meeting.resources = _resources(data.resource_ids)
    organisers = _users(data.organiser_ids)
    if not any(o.id == actor.id for o in organisers) and not meeting.organisers and actor.is_coanimator:
        organisers.append(actor)
    if not organisers:
        raise MeetingError("Une réunion a au moins un·e organisateur·rice.")
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
    if meeting.status == STATUS_SCHEDULED:
        changed = before != (meeting.place, meeting.video_link, meeting.format, meeting.title)
        if changed or removed:
            meeting.ical_sequence += 1
        if changed:
            send_calendar(meeting, ics.METHOD_REQUEST, invitee_users(meeting), updated=True)
        elif added:
            send_calendar(meeting, ics.METHOD_REQUEST, added)
        # Those no longer invited get the cancellation, so the meeting leaves their calendar.
        send_calendar(meeting, ics.METHOD_CANCEL, removed, uninvited=True)
    elif meeting.status == STATUS_POLL and added:
        notify("meeting.poll", added, meeting, actor=actor)


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


def invitee_users(meeting: Meeting) -> list[User]:
    return [i.user for i in meeting.invitees]


# --- date poll ----------------------------------------------------------------------------------

@dataclass
class SlotInput:
    day: date
    start: time
    end: time


def _slot_times(slot: SlotInput) -> tuple[datetime, datetime]:
    if slot.end <= slot.start:
        raise MeetingError("L'heure de fin doit être après l'heure de début.")
    return paris_to_utc(slot.day, slot.start), paris_to_utc(slot.day, slot.end)


def add_slots(meeting: Meeting, slots: list[SlotInput]) -> list[PollSlot]:
    """Add proposed slots; existing answers are kept (a new slot simply has no answers yet)."""
    if meeting.status not in (STATUS_DRAFT, STATUS_POLL):
        raise MeetingError("Les créneaux ne se modifient plus une fois la date fixée.")
    existing = {(s.starts_at, s.ends_at) for s in meeting.slots}
    created = []
    for slot in slots:
        start, end = _slot_times(slot)
        if (start, end) in existing:
            continue
        existing.add((start, end))
        created.append(PollSlot(meeting=meeting, starts_at=start, ends_at=end))
    db.session.add_all(created)
    return created


def delete_slot(meeting: Meeting, slot: PollSlot) -> None:
    if meeting.status not in (STATUS_DRAFT, STATUS_POLL):
        raise MeetingError("Les créneaux ne se modifient plus une fois la date fixée.")
    meeting.slots.remove(slot)


def open_poll(meeting: Meeting, actor: User, deadline: datetime | None = None) -> None:
    if meeting.status != STATUS_DRAFT:
        raise MeetingError("Le sondage ne peut être ouvert que depuis le brouillon.")
    if not meeting.slots:
        raise MeetingError("Proposez au moins un créneau avant d'ouvrir le sondage.")
    meeting.status = STATUS_POLL
    set_poll_deadline(meeting, deadline)
    added = sync_invitees(meeting)[0]
    notify("meeting.poll", added, meeting, actor=actor, deadline=fmt_datetime(deadline) if deadline else "")


def set_poll_deadline(meeting: Meeting, deadline: datetime | None) -> None:
    """The deadline is for the invitees' information and the reminder to those who have not
    answered (one day before); answers stay open until the organiser picks the date."""
    meeting.poll_deadline = deadline
    key = f"meeting:{meeting.id}:poll-reminder"
    if deadline is None or deadline <= utcnow():
        cancel_job(key)
        return
    db.session.flush()
    schedule_job(key, max(deadline - POLL_REMINDER_BEFORE, utcnow()), "meetings.poll_reminder", meeting_id=meeting.id)


def answer_poll(meeting: Meeting, user: User, answers: dict[int, str], comment: str | None = None) -> PollResponse:
    """Record (or change) a user's answers; slots not in ``answers`` keep their previous answer."""
    if meeting.status != STATUS_POLL:
        raise MeetingError("Ce sondage est clos.")
    slot_ids = {s.id for s in meeting.slots}
    response = db.session.scalar(
        select(PollResponse).where(PollResponse.meeting_id == meeting.id, PollResponse.user_id == user.id)
    )
    if response is None:
        response = PollResponse(meeting_id=meeting.id, user_id=user.id)
        db.session.add(response)
    response.comment = (comment or "").strip() or None
    response.updated_at = utcnow()
    by_slot = {a.slot_id: a for a in response.answers}
    for slot_id, value in answers.items():
        if slot_id not in slot_ids or value not in ANSWERS:
            raise MeetingError("Réponse invalide.")
        if slot_id in by_slot:
            by_slot[slot_id].value = value
        else:
            response.answers.append(PollAnswer(slot_id=slot_id, value=value))
    return response


@dataclass
class SlotTally:
    slot: PollSlot
    yes: int = 0
    maybe: int = 0
    no: int = 0
    best: bool = False

    @property
    def score(self) -> tuple[int, int]:
        return (self.yes, self.maybe)


_COUNTERS = {ANSWER_YES: "yes", ANSWER_MAYBE: "maybe", ANSWER_NO: "no"}


def tally(meeting: Meeting) -> list[SlotTally]:
    """Counts per slot; the best slots have the most Oui, then the most Si besoin (ties: all)."""
    rows = {s.id: SlotTally(s) for s in meeting.slots}
    for response in meeting.responses:
        for answer in response.answers:
            row = rows.get(answer.slot_id)
            if row is not None:
                counter = _COUNTERS[answer.value]
                setattr(row, counter, getattr(row, counter) + 1)
    result = list(rows.values())
    top = max((r.score for r in result), default=(0, 0))
    if top != (0, 0):
        for row in result:
            row.best = row.score == top
    return result


def non_respondents(meeting: Meeting) -> list[User]:
    answered = {r.user_id for r in meeting.responses}
    return [i.user for i in meeting.invitees if i.user_id not in answered]


def choose_slot(meeting: Meeting, slot: PollSlot, actor: User) -> None:
    if meeting.status != STATUS_POLL or slot.meeting_id != meeting.id:
        raise MeetingError("Ce créneau ne peut pas être retenu.")
    cancel_job(f"meeting:{meeting.id}:poll-reminder")
    schedule(meeting, slot.starts_at, slot.ends_at, actor)


def schedule(meeting: Meeting, starts_at: datetime, ends_at: datetime, actor: User) -> None:
    """Fix (or move) the date: the first time sends the invitation, later an update."""
    if ends_at <= starts_at:
        raise MeetingError("L'heure de fin doit être après l'heure de début.")
    if meeting.status in (STATUS_CANCELLED, STATUS_PUBLISHED):
        raise MeetingError("Cette réunion ne peut plus être déplacée.")
    first_time = meeting.status in (STATUS_DRAFT, STATUS_POLL)
    if not first_time and (meeting.starts_at, meeting.ends_at) == (starts_at, ends_at):
        return
    meeting.starts_at, meeting.ends_at = starts_at, ends_at
    meeting.status = STATUS_SCHEDULED
    if not first_time:
        meeting.ical_sequence += 1
    sync_invitees(meeting)
    db.session.flush()
    send_calendar(meeting, ics.METHOD_REQUEST, invitee_users(meeting), updated=not first_time)
    schedule_reminders(meeting)


def schedule_reminders(meeting: Meeting) -> None:
    now = utcnow()
    for days in REMINDER_DAYS:
        key = f"meeting:{meeting.id}:reminder-{days}"
        run_at = meeting.starts_at - timedelta(days=days)
        if run_at > now:
            schedule_job(key, run_at, "meetings.reminder", meeting_id=meeting.id, days=days)
        else:
            cancel_job(key)


def cancel_meeting(meeting: Meeting, actor: User, reason: str) -> None:
    if meeting.status in (STATUS_CANCELLED, STATUS_HELD, STATUS_PUBLISHED):
        raise MeetingError("Cette réunion ne peut plus être annulée.")
    reason = (reason or "").strip()
    if not reason:
        raise MeetingError("Indiquez la raison de l'annulation.")
    was_scheduled = meeting.status == STATUS_SCHEDULED
    was_announced = meeting.status != STATUS_DRAFT
    meeting.status = STATUS_CANCELLED
    meeting.cancel_reason = reason
    cancel_jobs(f"meeting:{meeting.id}:")
    if was_scheduled:
        meeting.ical_sequence += 1
        send_calendar(meeting, ics.METHOD_CANCEL, invitee_users(meeting))
    elif was_announced:
        notify("meeting.cancelled", invitee_users(meeting), meeting, actor=actor, updated=False, uninvited=False,
               subject=_("Annulée : %(title)s", title=meeting.title), message=_("Raison : %(reason)s", reason=reason))


# --- iCalendar ----------------------------------------------------------------------------------

def meeting_url(meeting: Meeting) -> str:
    with site_context():
        return absolute_url(url_for("meetings.show", meeting_id=meeting.id))


_PARTSTAT = {RSVP_YES: ics.PARTSTAT_ACCEPTED, RSVP_NO: ics.PARTSTAT_DECLINED, RSVP_MAYBE: ics.PARTSTAT_TENTATIVE}


def ics_event(meeting: Meeting, *, with_attendees: bool = False) -> ics.IcsEvent:
    """The meeting as a calendar entry, the same in its invitations (with the attendees and their
    answers), its .ics download and the members' subscription feeds (events part): one UID and
    SEQUENCE, so a calendar that got both an invitation and a feed shows the meeting once."""
    organiser = meeting.organisers[0] if meeting.organisers else None
    url = meeting_url(meeting)
    return ics.IcsEvent(
        uid=ics.ics_uid("meeting", meeting.id),
        start=meeting.starts_at,
        end=meeting.ends_at,
        summary=meeting.title,
        sequence=meeting.ical_sequence,
        description="\n\n".join(x for x in (meeting.description, url) if x),
        location=", ".join(x for x in (meeting.place, meeting.video_link) if x),
        url=url,
        status=ics.STATUS_CANCELLED if meeting.status == STATUS_CANCELLED else ics.STATUS_CONFIRMED,
        organizer=ics.Person(organiser.full_name, organiser.email) if organiser else None,
        attendees=[ics.Person(i.user.full_name, i.user.email, _PARTSTAT.get(i.rsvp, ics.PARTSTAT_NEEDS_ACTION))
                   for i in meeting.invitees] if with_attendees else [],
        updated_at=meeting.updated_at,
    )


def meeting_ics(meeting: Meeting, method: str = ics.METHOD_PUBLISH) -> bytes:
    """A published copy leaves the attendee list out; an invitation (REQUEST / CANCEL) has it."""
    return ics.build_calendar([ics_event(meeting, with_attendees=method != ics.METHOD_PUBLISH)], method=method)


# Members who said they would (or might) come: a change of date or place, or a cancellation,
# reaches them by email whatever their preferences, or they may travel for nothing.
ATTENDING = (RSVP_YES, RSVP_MAYBE)
# The mandatory kind (registered in __init__) each of those kinds becomes for them.
ATTENDEE_KINDS = {"meeting.updated": "meeting.updated_attendee", "meeting.cancelled": "meeting.cancelled_attendee"}


def send_calendar(meeting: Meeting, method: str, users: list[User], *, updated: bool = False,
                  uninvited: bool = False) -> None:
    """Notify the invitation / update / cancellation; the immediate email carries the .ics.

    The organiser who acts is not left out (no ``actor``): the meeting belongs in their
    calendar too."""
    if not users:
        return
    content = meeting_ics(meeting, method)
    attachment = ("invitation.ics", f"text/calendar; method={method}; charset=UTF-8", content)
    when = fmt_datetime(meeting.starts_at)
    attending = {i.user_id for i in meeting.invitees if i.rsvp in ATTENDING}
    if uninvited:
        kind, subject = "meeting.uninvited", _("Vous n'êtes plus invité·e : %(title)s", title=meeting.title)
        message = _("Vous n'êtes plus invité·e à cette réunion.")
    elif method == ics.METHOD_CANCEL:
        kind, subject = "meeting.cancelled", _("Annulée : %(title)s", title=meeting.title)
        message = _("Réunion du %(when)s annulée. Raison : %(reason)s", when=when, reason=meeting.cancel_reason)
    elif updated:
        kind, subject = "meeting.updated", _("Modifiée : %(title)s — %(when)s", title=meeting.title, when=when)
        message = _("Nouvelles informations : le %(when)s.", when=when)
    else:
        kind, subject = "meeting.invitation", _("Invitation : %(title)s — %(when)s", title=meeting.title, when=when)
        message = _("Le %(when)s.", when=when)
    groups = [(kind, users)]
    if kind in ATTENDEE_KINDS:
        groups = [(ATTENDEE_KINDS[kind], [u for u in users if u.id in attending]),
                  (kind, [u for u in users if u.id not in attending])]
    for group_kind, recipients in groups:
        notify(group_kind, recipients, meeting, subject=subject, message=message, attachments=[attachment],
               updated=updated, uninvited=uninvited)


# --- RSVP and agenda ----------------------------------------------------------------------------

def rsvp(meeting: Meeting, user: User, value: str) -> MeetingInvitee:
    if value not in RSVPS:
        raise MeetingError("Réponse invalide.")
    invitee = next((i for i in meeting.invitees if i.user_id == user.id), None)
    if invitee is None or meeting.status != STATUS_SCHEDULED:
        raise MeetingError("Vous ne pouvez pas répondre à cette invitation.")
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


def follow_up_actions(meeting: Meeting) -> list[ActionItem]:
    """Open actions decided at earlier meetings of the same series: the "Suivi des actions".

    Every earlier meeting counts, not only the last one, so an action still open after two
    meetings keeps being followed up.
    """
    if meeting.series_id is None:
        return []
    earlier = select(Meeting.id).where(
        Meeting.series_id == meeting.series_id,
        Meeting.id != meeting.id,
        Meeting.status.in_((STATUS_HELD, STATUS_PUBLISHED)),
    )
    if meeting.starts_at is not None:
        earlier = earlier.where(Meeting.starts_at < meeting.starts_at)
    return list(db.session.scalars(
        select(ActionItem)
        .where(ActionItem.meeting_id.in_(earlier), ActionItem.status.in_(OPEN_ACTION_STATUSES))
        .options(selectinload(ActionItem.assignee), selectinload(ActionItem.meeting))
        .order_by(ActionItem.due_date.is_(None), ActionItem.due_date, ActionItem.id)
    ))


# --- minutes, decisions, actions ------------------------------------------------------------------

def mark_held(meeting: Meeting) -> None:
    if meeting.status == STATUS_SCHEDULED:
        meeting.status = STATUS_HELD
        cancel_jobs(f"meeting:{meeting.id}:reminder-")


def mark_past_meetings_held(now: datetime | None = None) -> int:
    now = now or utcnow()
    meetings = list(db.session.scalars(
        select(Meeting).where(Meeting.status == STATUS_SCHEDULED, Meeting.ends_at < now)
    ))
    for meeting in meetings:
        mark_held(meeting)
    return len(meetings)


def start_minutes(meeting: Meeting) -> Minutes:
    """The minutes, created on first use with attendance pre-filled from the RSVPs."""
    if meeting.minutes is not None:
        return meeting.minutes
    prefill = {RSVP_YES: "present", RSVP_NO: "excused", RSVP_MAYBE: "absent", None: "absent"}
    for invitee in meeting.invitees:
        if invitee.attendance is None:
            invitee.attendance = prefill[invitee.rsvp]
    meeting.minutes = Minutes(body="")
    db.session.add(meeting.minutes)
    return meeting.minutes


def save_minutes(meeting: Meeting, actor: User, body: str, attendance: dict[int, str]) -> Minutes:
    """Save the text (a new revision when it changed) and the attendance."""
    minutes = start_minutes(meeting)
    for invitee in meeting.invitees:
        value = attendance.get(invitee.user_id)
        if value is not None:
            if value not in ATTENDANCE:
                raise MeetingError("Présence invalide.")
            invitee.attendance = value
    body = body or ""
    if body != minutes.body or not minutes.revisions:
        number = (db.session.scalar(select(func.max(MinutesRevision.number)).where(MinutesRevision.minutes_id == minutes.id))
                  if minutes.id else None) or 0
        minutes.body = body
        minutes.revisions.append(MinutesRevision(number=number + 1, body=body, author_id=actor.id, created_at=utcnow()))
    minutes.updated_at = utcnow()
    return minutes


def publish_minutes(meeting: Meeting, actor: User) -> None:
    minutes = meeting.minutes
    if minutes is None or not (minutes.body or "").strip():
        raise MeetingError("Rédigez le compte-rendu avant de le publier.")
    if meeting.status not in (STATUS_SCHEDULED, STATUS_HELD):
        raise MeetingError("Ce compte-rendu ne peut pas être publié.")
    mark_held(meeting)
    meeting.status = STATUS_PUBLISHED
    minutes.published_at = utcnow()
    minutes.published_by_id = actor.id
    notify("meeting.minutes", invitee_users(meeting), minutes, actor=actor)


def add_decision(meeting: Meeting, text: str) -> Decision:
    position = max((d.position for d in meeting.decisions), default=0) + 1
    decision = Decision(meeting=meeting, text=text, position=position)
    db.session.add(decision)
    search.reindex(meeting)
    return decision


def update_decision(meeting: Meeting, decision: Decision, text: str) -> None:
    decision.text = text
    search.reindex(meeting)


def delete_decision(meeting: Meeting, decision: Decision) -> None:
    meeting.decisions.remove(decision)
    search.reindex(meeting)


def add_action(meeting: Meeting, actor: User, title: str, assignee_id: int | None, due: date | None) -> ActionItem:
    assignee = db.session.get(User, assignee_id) if assignee_id else None
    action = ActionItem(meeting=meeting, title=title, assignee=assignee, due_date=due)
    db.session.add(action)
    db.session.flush()
    search.reindex(meeting)
    if assignee is not None:
        notify("action.assigned", [assignee], action, actor=actor, meeting_title=meeting.title)
    _schedule_action_reminder(action)
    return action


def update_action(action: ActionItem, actor: User, title: str, assignee_id: int | None, due: date | None) -> None:
    """Change an action; a new assignee is told, as when an action is added."""
    reassigned = assignee_id != action.assignee_id
    action.title = title
    action.assignee = db.session.get(User, assignee_id) if assignee_id else None
    action.due_date = due
    db.session.flush()
    search.reindex(action.meeting)
    if reassigned and action.assignee is not None:
        notify("action.assigned", [action.assignee], action, actor=actor, meeting_title=action.meeting.title)
    _schedule_action_reminder(action)


def set_action_status(action: ActionItem, actor: User, status: str) -> None:
    if status not in ACTION_STATUSES:
        raise MeetingError("Statut invalide.")
    action.status = status
    if status == ACTION_DONE:
        action.done_at = utcnow()
        action.done_by_id = actor.id
    else:
        action.done_at = None
        action.done_by_id = None
    _schedule_action_reminder(action)


def delete_action(meeting: Meeting, action: ActionItem) -> None:
    cancel_job(f"action:{action.id}:due")
    meeting.actions.remove(action)
    search.reindex(meeting)


def _schedule_action_reminder(action: ActionItem) -> None:
    key = f"action:{action.id}:due"
    if not action.is_open or action.due_date is None or action.assignee_id is None:
        cancel_job(key)
        return
    run_at = paris_to_utc(action.due_date - timedelta(days=ACTION_REMINDER_DAYS_BEFORE), REMINDER_HOUR)
    if run_at <= utcnow():
        cancel_job(key)
        return
    schedule_job(key, run_at, "meetings.action_reminder", action_id=action.id)


# --- reads used by views, panels and jobs ---------------------------------------------------------

def my_open_actions(user: User) -> list[ActionItem]:
    """Open actions assigned to the user, overdue first, then by due date (undated last)."""
    actions = list(db.session.scalars(
        select(ActionItem)
        .where(ActionItem.assignee_id == user.id, ActionItem.status.in_(OPEN_ACTION_STATUSES))
        .options(selectinload(ActionItem.meeting))
        .order_by(ActionItem.due_date.is_(None), ActionItem.due_date, ActionItem.id)
    ))
    return sorted(actions, key=lambda a: not a.is_overdue)


def polls_awaiting(user: User) -> list[Meeting]:
    answered = select(PollResponse.meeting_id).where(PollResponse.user_id == user.id)
    return list(db.session.scalars(
        select(Meeting)
        .join(MeetingInvitee, MeetingInvitee.meeting_id == Meeting.id)
        .where(MeetingInvitee.user_id == user.id, Meeting.status == STATUS_POLL, Meeting.id.not_in(answered))
        .order_by(Meeting.poll_deadline.is_(None), Meeting.poll_deadline, Meeting.id)
    ))
