"""Reminders through the notification scheduler: J-7 and J-1 (moved with the meeting, dropped
when it is cancelled), the poll deadline reminder to non-answerers, the action due reminder."""
from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import select

from network_space.accounts.models import User
from network_space.core.dates import paris_to_utc, paris_today
from network_space.core.models import utcnow
from network_space.core.scheduler import ScheduledJob, run_due_jobs
from network_space.extensions import db
from network_space.meetings import polls, queries, services
from network_space.meetings import minutes as minutes_services
from network_space.meetings.models import Meeting
from network_space.notifications.models import Notification
from tests.meetings.conftest import make_meeting


def _jobs(prefix):
    return {j.key: j for j in db.session.scalars(select(ScheduledJob).where(ScheduledJob.key.like(prefix + "%")))}


def _notified(kind):
    return sorted(n.user_id for n in db.session.scalars(select(Notification).where(Notification.kind == kind)))


def test_meeting_reminders_follow_the_meeting(ctx, make_user):
    organiser, alice, bob = make_user("coanimator"), make_user("member"), make_user("member")
    meeting = db.session.get(Meeting, make_meeting(organiser.id, invitee_ids=[alice.id, bob.id]))
    actor = db.session.get(User, organiser.id)
    start = paris_to_utc(date(2027, 5, 20), time(9, 30))
    services.schedule(meeting, start, start + timedelta(hours=3), actor)
    db.session.commit()
    jobs = _jobs(f"meeting:{meeting.id}:")
    assert {k: j.run_at for k, j in jobs.items()} == {
        f"meeting:{meeting.id}:reminder-7": start - timedelta(days=7),
        f"meeting:{meeting.id}:reminder-1": start - timedelta(days=1),
    }
    moved = start + timedelta(days=2)
    services.schedule(meeting, moved, moved + timedelta(hours=3), actor)
    db.session.commit()
    assert _jobs(f"meeting:{meeting.id}:")[f"meeting:{meeting.id}:reminder-1"].run_at == moved - timedelta(days=1)

    # The J-7 reminder goes to those who have not declined.
    services.rsvp(meeting, db.session.get(User, bob.id), "no")
    db.session.commit()
    run_due_jobs(now=moved - timedelta(days=6))
    assert _notified("meeting.reminder") == sorted([alice.id, organiser.id])

    services.cancel_meeting(meeting, actor, "Salle indisponible")
    db.session.commit()
    assert _jobs(f"meeting:{meeting.id}:") == {}


def test_poll_deadline_reminds_only_non_answerers(ctx, make_user):
    organiser, alice, bob = make_user("coanimator"), make_user("member"), make_user("member")
    meeting = db.session.get(Meeting, make_meeting(organiser.id, invitee_ids=[alice.id, bob.id]))
    deadline = utcnow() + timedelta(days=5)
    polls.open_poll(meeting, db.session.get(User, organiser.id), deadline)
    polls.answer_poll(meeting, db.session.get(User, alice.id), {meeting.slots[0].id: "yes"})
    db.session.commit()
    job = _jobs(f"meeting:{meeting.id}:poll-reminder")[f"meeting:{meeting.id}:poll-reminder"]
    assert job.run_at == deadline - timedelta(days=1)
    run_due_jobs(now=deadline)
    assert _notified("meeting.poll_reminder") == sorted([bob.id, organiser.id])


def test_action_due_reminder_and_done(ctx, make_user):
    organiser, alice = make_user("coanimator"), make_user("member")
    meeting = db.session.get(Meeting, make_meeting(organiser.id, invitee_ids=[alice.id]))
    actor = db.session.get(User, organiser.id)
    due = (utcnow() + timedelta(days=20)).date()
    action = minutes_services.add_action(meeting, actor, "Relancer le bailleur", alice.id, due)
    db.session.commit()
    key = f"action:{action.id}:due"
    assert _jobs(key)[key].run_at == paris_to_utc(due - timedelta(days=2), time(8))
    run_due_jobs(now=paris_to_utc(due - timedelta(days=1), time(9)))
    assert _notified("action.reminder") == [alice.id]
    minutes_services.set_action_status(action, db.session.get(User, alice.id), "done")
    db.session.commit()
    assert _jobs(key) == {}
    assert action.done_by_id == alice.id


def test_my_actions_overdue_first(ctx, make_user):
    organiser, alice = make_user("coanimator"), make_user("member")
    meeting = db.session.get(Meeting, make_meeting(organiser.id, invitee_ids=[alice.id]))
    actor = db.session.get(User, organiser.id)
    today = paris_today()
    later = minutes_services.add_action(meeting, actor, "Plus tard", alice.id, today + timedelta(days=30))
    undated = minutes_services.add_action(meeting, actor, "Sans date", alice.id, None)
    overdue = minutes_services.add_action(meeting, actor, "En retard", alice.id, today - timedelta(days=3))
    done = minutes_services.add_action(meeting, actor, "Faite", alice.id, today - timedelta(days=9))
    minutes_services.set_action_status(done, actor, "done")
    db.session.commit()
    assert [a.id for a in queries.my_open_actions(db.session.get(User, alice.id))] == [overdue.id, later.id, undated.id]
