"""What the worker runs for meetings: reminders (J-7, J-1, poll deadline, action due date)
and marking meetings held once they are over."""
from __future__ import annotations

from network_space.core.dates import fmt_date, fmt_datetime
from network_space.core.worker import worker_task
from network_space.extensions import db
from network_space.meetings import services
from network_space.meetings.models import STATUS_POLL, STATUS_SCHEDULED, ActionItem, Meeting
from network_space.notifications.services import job_handler, notify


@job_handler("meetings.reminder")
def meeting_reminder(meeting_id: int, days: int) -> None:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.status != STATUS_SCHEDULED:
        return
    coming = [i.user for i in meeting.invitees if i.rsvp != "no"]
    notify("meeting.reminder", coming, meeting, days=days, when=fmt_datetime(meeting.starts_at),
           subject=f"Rappel (J-{days}) : {meeting.title} — {fmt_datetime(meeting.starts_at)}")


@job_handler("meetings.poll_reminder")
def poll_reminder(meeting_id: int) -> None:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.status != STATUS_POLL:
        return
    notify("meeting.poll_reminder", services.non_respondents(meeting), meeting,
           deadline=fmt_datetime(meeting.poll_deadline),
           subject=f"Sondage à remplir avant le {fmt_datetime(meeting.poll_deadline)} : {meeting.title}")


@job_handler("meetings.action_reminder")
def action_reminder(action_id: int) -> None:
    action = db.session.get(ActionItem, action_id)
    if action is None or not action.is_open or action.assignee is None:
        return
    notify("action.reminder", [action.assignee], action, due=fmt_date(action.due_date),
           meeting_title=action.meeting.title,
           subject=f"Action à faire pour le {fmt_date(action.due_date)} : {action.title}")


@worker_task("meetings_held")
def _mark_held():
    count = services.mark_past_meetings_held()
    db.session.commit()
    return count
