"""The minutes of a meeting: the text with its revisions and the attendance, publication, and the
decisions and action items recorded with them. Writes flush; the view commits."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Callable

from flask_babel import gettext as _
from sqlalchemy import func, select

from network_space.accounts.models import User
from network_space.core.dates import fmt_datetime
from network_space.core.models import utcnow
from network_space.extensions import db
from network_space.meetings import notices, search, services
from network_space.meetings.models import (
    ACTION_DONE, ACTION_STATUSES, ATTENDANCE, STATUS_HELD, STATUS_PUBLISHED,
    STATUS_SCHEDULED, ActionItem, Decision, Meeting, Minutes, MinutesRevision,
)
from network_space.meetings.services import MeetingError


# --- attendance ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Attendee:
    """One line of the minutes' attendance: an invited member, or a person a later domain adds
    (a partner invited as a guest). ``record`` is the row that stores it: it has ``attendance``
    and ``attendance_or_expected``; ``key`` names its field in the editor (attendance-<key>)."""

    key: str
    name: str
    note: str  # beside the name: "" for a member, "invité·e, <organisation>" for a guest
    record: Any

    @property
    def label(self) -> str:
        return f"{self.name} ({self.note})" if self.note else self.name

    @property
    def attendance(self) -> str:
        return self.record.attendance_or_expected


# Later domains add their people to the attendance here (guests: guests/__init__.py); meetings never
# imports them.
_attendee_loaders: list[Callable[[Meeting], list[Attendee]]] = []


def register_attendees(loader: Callable[[Meeting], list[Attendee]]) -> None:
    if loader not in _attendee_loaders:  # create_app runs once per test app
        _attendee_loaders.append(loader)


def attendees(meeting: Meeting) -> list[Attendee]:
    """Everyone the minutes list: the invited members by name, then what other domains add."""
    people = [Attendee(str(i.user_id), i.user.full_name, "", i)
              for i in sorted(meeting.invitees, key=lambda i: i.user.name_key)]  # Élodie among the E
    for loader in _attendee_loaders:
        people += loader(meeting)
    return people


def start_minutes(meeting: Meeting) -> Minutes:
    """The minutes, created on first use. Attendance is not written here: until the editor saves
    it, each invitee's is the one their RSVP announces (MeetingInvitee.attendance_or_expected), so
    minutes started before the meeting still follow the answers that come in later."""
    if meeting.minutes is not None:
        return meeting.minutes
    meeting.minutes = Minutes(body="")
    db.session.add(meeting.minutes)
    return meeting.minutes


def latest_revision(meeting: Meeting) -> int:
    """The number of the minutes' last saved version, 0 before the first."""
    minutes = meeting.minutes
    return minutes.revisions[0].number if minutes is not None and minutes.revisions else 0


def conflicts(meeting: Meeting, opened_on: int | None, body: str) -> bool:
    """Whether saving ``body``, typed in an editor opened on version ``opened_on``, would
    overwrite a text someone else saved since (two organisers writing at once)."""
    return (opened_on is not None and latest_revision(meeting) > opened_on
            and (body or "") != (meeting.minutes.body or ""))


def save_minutes(meeting: Meeting, actor: User, body: str, attendance: dict[str, str]) -> Minutes:
    """Save the text (a new revision when it changed) and the attendance, keyed by Attendee.key."""
    minutes = start_minutes(meeting)
    for person in attendees(meeting):
        value = attendance.get(person.key)
        if value is not None:
            if value not in ATTENDANCE:
                raise MeetingError(_("Présence invalide."))
            person.record.attendance = value
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
        raise MeetingError(_("Rédigez le compte-rendu avant de le publier."))
    if meeting.status not in (STATUS_SCHEDULED, STATUS_HELD):
        raise MeetingError(_("Ce compte-rendu ne peut pas être publié."))
    if meeting.starts_at is None or meeting.starts_at > utcnow():
        # Published, a meeting is one held: it would leave the meetings to come, its reminders
        # and its answers (Je viens…) while it is still ahead.
        raise MeetingError(_("Le compte-rendu se publie une fois la réunion commencée (le %(when)s) ; "
                             "d'ici là, il reste un brouillon que les organisateurs enregistrent.",
                             when=fmt_datetime(meeting.starts_at) if meeting.starts_at else "—"))
    services.mark_held(meeting)
    meeting.status = STATUS_PUBLISHED
    minutes.published_at = utcnow()
    minutes.published_by_id = actor.id
    notices.minutes_published(minutes, actor)


# --- decisions and actions ---------------------------------------------------------------------

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
        notices.action_assigned(action, actor)
    notices.schedule_action_reminder(action)
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
        notices.action_assigned(action, actor)
    notices.schedule_action_reminder(action)


def set_action_status(action: ActionItem, actor: User, status: str) -> None:
    if status not in ACTION_STATUSES:
        raise MeetingError(_("Statut invalide."))
    action.status = status
    if status == ACTION_DONE:
        action.done_at = utcnow()
        action.done_by_id = actor.id
    else:
        action.done_at = None
        action.done_by_id = None
    notices.schedule_action_reminder(action)


def delete_action(meeting: Meeting, action: ActionItem) -> None:
    notices.cancel_action_reminder(action)
    meeting.actions.remove(action)
    search.reindex(meeting)
