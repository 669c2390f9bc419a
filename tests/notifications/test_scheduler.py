"""Reminders: a job runs once at its time, rescheduling moves it, cancelling deletes it, the same
key never runs twice, two workers never run a job twice, a failing handler is retried then failed."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from network_space.core.models import utcnow
from network_space.core.outbox import deliver_pending
from network_space.core.scheduler import JOB_DONE, JOB_FAILED, JOB_MAX_ATTEMPTS, JOB_PENDING, ScheduledJob, run_due_jobs
from network_space.extensions import db
from network_space.notifications.models import Notification
from network_space.notifications.services import cancel_job, cancel_jobs, job_handler, notify, schedule_job

calls: list[dict] = []


@job_handler("test.record")
def _record(**payload):
    calls.append(payload)


@job_handler("test.remind")
def _remind(user_id: int, title: str):
    notify("test.meeting", [user_id], title=title, url="/")


@job_handler("test.broken")
def _broken(**payload):
    raise RuntimeError("boom")


@pytest.fixture(autouse=True)
def _reset_calls():
    calls.clear()


def _job(key):
    return db.session.scalar(select(ScheduledJob).where(ScheduledJob.key == key))


def test_job_runs_once_at_its_time_and_its_effects_are_committed(ctx, smtp, make_user):
    member = make_user()
    at = utcnow() + timedelta(days=6)
    schedule_job("meeting:1:j-1", at, "test.remind", user_id=member.id, title="Rappel : plénière demain")
    db.session.commit()

    assert run_due_jobs(now=at - timedelta(seconds=1)).done == 0
    assert run_due_jobs(now=at).done == 1
    assert run_due_jobs(now=at + timedelta(hours=1)).done == 0
    assert _job("meeting:1:j-1").status == JOB_DONE
    assert db.session.scalar(select(Notification.title)) == "Rappel : plénière demain"
    deliver_pending()
    assert [m["Subject"] for m in smtp.messages] == ["Réunion modifiée : Rappel : plénière demain"]


def test_same_key_is_deduplicated_and_a_new_time_reschedules(ctx):
    at = utcnow() + timedelta(days=1)
    schedule_job("event:7:j-7", at, "test.record", event_id=7)
    schedule_job("event:7:j-7", at, "test.record", event_id=7)
    db.session.commit()
    assert db.session.scalar(select(db.func.count(ScheduledJob.id))) == 1
    run_due_jobs(now=at)
    assert calls == [{"event_id": 7}]

    schedule_job("event:7:j-7", at, "test.record", event_id=7)  # same again after it ran: no re-run
    db.session.commit()
    run_due_jobs(now=at + timedelta(days=1))
    assert len(calls) == 1

    later = at + timedelta(days=3)  # the event moved: the reminder runs again at its new time
    schedule_job("event:7:j-7", later, "test.record", event_id=7)
    db.session.commit()
    assert _job("event:7:j-7").status == JOB_PENDING
    run_due_jobs(now=later - timedelta(minutes=1))
    assert len(calls) == 1
    run_due_jobs(now=later)
    assert calls == [{"event_id": 7}, {"event_id": 7}]


def test_rescheduling_before_it_ran_moves_it(ctx):
    at = utcnow() + timedelta(hours=2)
    schedule_job("poll:3:deadline", at, "test.record", poll_id=3)
    db.session.commit()
    schedule_job("poll:3:deadline", at + timedelta(days=2), "test.record", poll_id=3)
    db.session.commit()
    run_due_jobs(now=at)
    assert calls == []
    run_due_jobs(now=at + timedelta(days=2))
    assert calls == [{"poll_id": 3}]


def test_cancel_deletes_the_job(ctx):
    at = utcnow() + timedelta(hours=1)
    schedule_job("meeting:5:j-1", at, "test.record")
    schedule_job("meeting:5:j-7", at, "test.record")
    schedule_job("meeting:50:j-1", at, "test.record")
    schedule_job("action:9:due", at, "test.record")
    db.session.commit()
    assert cancel_job("action:9:due") is True
    assert cancel_job("action:9:due") is False
    assert cancel_jobs("meeting:5:") == 2
    db.session.commit()
    assert [j.key for j in db.session.scalars(select(ScheduledJob))] == ["meeting:50:j-1"]


def test_naive_datetime_is_refused(ctx):
    with pytest.raises(ValueError):
        schedule_job("x", utcnow().replace(tzinfo=None), "test.record")


def test_failing_handler_is_retried_with_backoff_then_failed(ctx):
    at = utcnow()
    schedule_job("broken", at, "test.broken")
    schedule_job("fine", at, "test.record", n=1)
    db.session.commit()
    report = run_due_jobs(now=at)
    assert (report.done, report.retried) == (1, 1)  # one failing job does not stop the others
    job = _job("broken")
    assert job.status == JOB_PENDING and job.attempts == 1 and "boom" in job.last_error
    assert run_due_jobs(now=at + timedelta(seconds=30)).retried == 0  # backing off
    moment = at
    for _ in range(JOB_MAX_ATTEMPTS):
        moment += timedelta(days=1)
        run_due_jobs(now=moment)
    db.session.expire_all()
    assert _job("broken").status == JOB_FAILED and _job("broken").attempts == JOB_MAX_ATTEMPTS


def test_unknown_handler_fails_at_once(ctx):
    schedule_job("orphan", utcnow(), "nobody.handles.this")
    db.session.commit()
    assert run_due_jobs().failed == 1


def test_two_workers_never_run_a_job_twice(app):
    with app.app_context():
        at = utcnow()
        for i in range(30):
            schedule_job(f"job:{i}", at, "test.record", i=i)
        db.session.commit()
    barrier = threading.Barrier(2)
    errors = []

    def worker():
        try:
            with app.app_context():
                barrier.wait()
                run_due_jobs(batch_size=4)
                db.session.remove()
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(c["i"] for c in calls) == list(range(30))
