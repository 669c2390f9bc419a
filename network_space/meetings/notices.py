"""What meetings tell people, all through notify(): invitations, updates and cancellations with
their .ics, the poll, published minutes, actions given; and the reminders the worker sends (J-7
and J-1 before a meeting, the day before a poll's deadline, two days before an action's due date).

Calendar messages carry the .ics (REQUEST / CANCEL) on their immediate email and follow each
member's "Réunions" preference, except that a change or a cancellation always reaches by email
the members who answered "je viens" or "peut-être" (see send_calendar).

Guests (partners without an account) are told by the guests domain, which meetings never
imports: it listens to the ``GUEST_NEWS`` signal that ``tell_guests`` sends.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta

from blinker import signal
from flask_babel import LazyString

from network_space.accounts.models import User
from network_space.core import ics
from network_space.core.dates import fmt_date, fmt_datetime, fmt_span, paris_to_utc
from network_space.core.i18n import lazy_gettext as _l
from network_space.core.models import utcnow
from network_space.extensions import db
from network_space.meetings import ical
from network_space.meetings.models import (
    RSVP_MAYBE, RSVP_YES, STATUS_POLL, STATUS_SCHEDULED, ActionItem, Meeting, Minutes,
)
from network_space.meetings.queries import invitee_users, non_respondents
from network_space.notifications.services import cancel_job, cancel_jobs, job_handler, notify, schedule_job

REMINDER_DAYS = (7, 1)

# Sent with the meeting and ``what``: "calendar" (with ``method`` and ``updated``: the date was
# fixed, changed or the meeting cancelled), "cancelled" (while its date was polled), "reminder".
GUEST_NEWS = signal("meetings.guest-news")


def tell_guests(what: str, meeting: Meeting, **context) -> None:
    GUEST_NEWS.send(meeting, what=what, **context)
POLL_REMINDER_BEFORE = timedelta(days=1)
ACTION_REMINDER_DAYS_BEFORE = 2
REMINDER_HOUR = time(8, 0)


# Members who said they would (or might) come: a change of date or place, or a cancellation,
# reaches them by email whatever their preferences, or they may travel for nothing.
ATTENDING = (RSVP_YES, RSVP_MAYBE)


# The mandatory kind (registered in __init__) each of those kinds becomes for them.
ATTENDEE_KINDS = {"meeting.updated": "meeting.updated_attendee", "meeting.cancelled": "meeting.cancelled_attendee"}


def send_calendar(meeting: Meeting, method: str, users: list[User], *, updated: bool = False,
                  uninvited: bool = False, was: tuple | None = None, was_place: str | None = None) -> None:
    """Notify the invitation / update / cancellation; the immediate email carries the .ics.
    An update says what the date (``was``: start and end) or the place was before.

    The organiser who acts is not left out (no ``actor``): the meeting belongs in their
    calendar too."""
    if not users:
        return
    content = ical.meeting_ics(meeting, method)
    attachment = ("invitation.ics", f"text/calendar; method={method}; charset=UTF-8", content)
    when = LazyString(fmt_datetime, meeting.starts_at)  # spelt out in each recipient's language
    attending = {i.user_id for i in meeting.invitees if i.rsvp in ATTENDING}
    if uninvited:
        kind, subject = "meeting.uninvited", _l("Vous n'êtes plus invité·e : %(title)s", title=meeting.title)
        message = _l("Vous n'êtes plus invité·e à cette réunion.")
    elif method == ics.METHOD_CANCEL:
        kind, subject = "meeting.cancelled", _l("Annulée : %(title)s", title=meeting.title)
        message = _l("Réunion du %(when)s annulée. Raison : %(reason)s", when=when, reason=meeting.cancel_reason)
    elif updated:
        kind, subject = "meeting.updated", _l("Modifiée : %(title)s — %(when)s", title=meeting.title, when=when)
        message = _l("Nouvelles informations : le %(when)s.", when=when)
    else:
        kind, subject = "meeting.invitation", _l("Invitation : %(title)s — %(when)s", title=meeting.title, when=when)
        message = _l("Le %(when)s.", when=when)
    groups = [(kind, users)]
    if kind in ATTENDEE_KINDS:
        groups = [(ATTENDEE_KINDS[kind], [u for u in users if u.id in attending]),
                  (kind, [u for u in users if u.id not in attending])]
    for group_kind, recipients in groups:
        notify(group_kind, recipients, meeting, subject=subject, message=message, attachments=[attachment],
               updated=updated, uninvited=uninvited, was_place=was_place,
               was_when=LazyString(fmt_span, *was) if was and was[0] is not None else None)


def poll_opened(meeting: Meeting, users: list[User], actor: User, deadline: datetime | None = None) -> None:
    """Invite to answer the date poll."""
    notify("meeting.poll", users, meeting, actor=actor, deadline=LazyString(fmt_datetime, deadline) if deadline else "")


def cancelled_before_date(meeting: Meeting, actor: User) -> None:
    """A meeting cancelled while its date was still being polled: no calendar entry to remove."""
    notify("meeting.cancelled", invitee_users(meeting), meeting, actor=actor, updated=False, uninvited=False,
           subject=_l("Annulée : %(title)s", title=meeting.title),
           message=_l("Raison : %(reason)s", reason=meeting.cancel_reason))
    tell_guests("cancelled", meeting)


def minutes_published(minutes: Minutes, actor: User) -> None:
    notify("meeting.minutes", invitee_users(minutes.meeting), minutes, actor=actor)


def action_assigned(action: ActionItem, actor: User) -> None:
    # Which meeting decided it and for when, in the reader's language: the title alone says little.
    notify("action.assigned", [action.assignee], action, actor=actor, meeting_title=action.meeting.title,
           message=LazyString(_action_summary, action.meeting.title, action.due_date))


def _action_summary(meeting_title: str, due) -> str:
    summary = str(_l("Décidée à la réunion « %(meeting)s ».", meeting=meeting_title))
    if due is not None:
        summary += " " + str(_l("Échéance : %(day)s.", day=fmt_date(due, year=True)))
    return summary


# --- reminders: scheduled in the transaction of the change, sent by the worker ---------------------

def schedule_reminders(meeting: Meeting) -> None:
    """The J-7 and J-1 reminders of a scheduled meeting (those already past are dropped)."""
    now = utcnow()
    for days in REMINDER_DAYS:
        key = f"meeting:{meeting.id}:reminder-{days}"
        run_at = meeting.starts_at - timedelta(days=days)
        if run_at > now:
            schedule_job(key, run_at, "meetings.reminder", meeting_id=meeting.id, days=days)
        else:
            cancel_job(key)


def cancel_reminders(meeting: Meeting) -> None:
    cancel_jobs(f"meeting:{meeting.id}:reminder-")


def cancel_all(meeting: Meeting) -> None:
    """Every reminder of a meeting: the J-7 / J-1 ones and the poll's."""
    cancel_jobs(f"meeting:{meeting.id}:")


def schedule_poll_reminder(meeting: Meeting) -> None:
    """The day before the poll's deadline, to the invitees who have not answered."""
    key = f"meeting:{meeting.id}:poll-reminder"
    deadline = meeting.poll_deadline
    if deadline is None or deadline <= utcnow():
        cancel_job(key)
        return
    db.session.flush()
    schedule_job(key, max(deadline - POLL_REMINDER_BEFORE, utcnow()), "meetings.poll_reminder", meeting_id=meeting.id)


def cancel_poll_reminder(meeting: Meeting) -> None:
    cancel_job(f"meeting:{meeting.id}:poll-reminder")


def schedule_action_reminder(action: ActionItem) -> None:
    """The reminder to the assignee two days before an open action's due date, at 08:00."""
    key = f"action:{action.id}:due"
    if not action.is_open or action.due_date is None or action.assignee_id is None:
        cancel_job(key)
        return
    run_at = paris_to_utc(action.due_date - timedelta(days=ACTION_REMINDER_DAYS_BEFORE), REMINDER_HOUR)
    if run_at <= utcnow():
        cancel_job(key)
        return
    schedule_job(key, run_at, "meetings.action_reminder", action_id=action.id)


def cancel_action_reminder(action: ActionItem) -> None:
    cancel_job(f"action:{action.id}:due")


@job_handler("meetings.reminder")
def meeting_reminder(meeting_id: int, days: int) -> None:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.status != STATUS_SCHEDULED:
        return
    coming = [i.user for i in meeting.invitees if i.rsvp != "no"]
    when = LazyString(fmt_datetime, meeting.starts_at)
    notify("meeting.reminder", coming, meeting, days=days, when=when,
           subject=_l("Rappel (J-%(days)d) : %(title)s — %(when)s", days=days, title=meeting.title, when=when))
    tell_guests("reminder", meeting, days=days)


@job_handler("meetings.poll_reminder")
def poll_reminder(meeting_id: int) -> None:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.status != STATUS_POLL:
        return
    deadline = LazyString(fmt_datetime, meeting.poll_deadline)
    notify("meeting.poll_reminder", non_respondents(meeting), meeting, deadline=deadline,
           subject=_l("Sondage à remplir avant le %(deadline)s : %(title)s", deadline=deadline, title=meeting.title))


@job_handler("meetings.action_reminder")
def action_reminder(action_id: int) -> None:
    action = db.session.get(ActionItem, action_id)
    if action is None or not action.is_open or action.assignee is None:
        return
    due = LazyString(fmt_date, action.due_date)
    notify("action.reminder", [action.assignee], action, due=due, meeting_title=action.meeting.title,
           subject=_l("Action à faire pour le %(due)s : %(title)s", due=due, title=action.title))
