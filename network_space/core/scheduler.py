"""Reminders and other "run this at that time" jobs, each identified by a dedupe key.

    from network_space.notifications.services import cancel_job, job_handler, schedule_job

    @job_handler("meetings.reminder")
    def send_reminder(meeting_id: int, days: int) -> None:
        meeting = db.session.get(Meeting, meeting_id)
        if meeting is not None:
            notify("meeting.reminder", meeting.participants, meeting, days=days)

    schedule_job(f"meeting:{m.id}:j-1", m.starts_at - timedelta(days=1), "meetings.reminder",
                 meeting_id=m.id, days=1)     # in the transaction that creates / moves the meeting
    cancel_jobs(f"meeting:{m.id}:")           # in the transaction that deletes it

``schedule_job`` upserts by key: scheduling an existing key again with another time (or payload)
reschedules it, even if it already ran; the same time and payload leave it alone, so a job never
runs twice for the same thing. The worker claims due jobs with a lease (``FOR UPDATE SKIP
LOCKED`` on PostgreSQL; SQLite serialises writers), runs the handler with the payload as keyword
arguments, and commits the handler's writes together with the job's "done" status. A handler
that raises is retried with backoff, then marked failed. A job whose time is already past when
it is scheduled runs at the next worker round.
"""
from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from flask import current_app
from sqlalchemy import Index, Integer, String, Text, delete, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column

from network_space.core.models import TimestampMixin, UTCDateTime, utcnow
from network_space.core.worker import worker_task
from network_space.extensions import db

JOB_PENDING = "pending"
JOB_DONE = "done"
JOB_FAILED = "failed"


class ScheduledJob(TimestampMixin, db.Model):
    """'Run this handler at that time', once, identified by a dedupe key (e.g. "meeting:12:j-1")."""

    __tablename__ = "scheduled_job"
    __table_args__ = (Index("ix_scheduled_job_due", "status", "run_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    run_at: Mapped[datetime] = mapped_column(UTCDateTime())
    handler: Mapped[str] = mapped_column(String(100))
    payload_json: Mapped[str] = mapped_column(Text, default="{}")
    status: Mapped[str] = mapped_column(String(16), default=JOB_PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_token: Mapped[str | None] = mapped_column(String(32))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def payload(self) -> dict:
        return json.loads(self.payload_json or "{}")


JOB_MAX_ATTEMPTS = 5
JOB_LEASE_SECONDS = 600

_handlers: dict[str, Callable[..., object]] = {}


def job_handler(name: str):
    """Register the function the worker calls, with the job's payload as keyword arguments."""

    def decorator(fn):
        _handlers[name] = fn
        return fn

    return decorator


def schedule_job(key: str, run_at: datetime, handler: str, **payload) -> ScheduledJob:
    """Create or reschedule the job ``key`` (in the caller's transaction). Payload must be JSON."""
    if run_at.tzinfo is None:
        raise ValueError("schedule_job needs an aware datetime")
    payload_json = json.dumps(payload, sort_keys=True)
    job = db.session.scalar(select(ScheduledJob).where(ScheduledJob.key == key))
    if job is None:
        job = ScheduledJob(key=key, run_at=run_at, handler=handler, payload_json=payload_json, status=JOB_PENDING)
        db.session.add(job)
        return job
    unchanged = job.run_at == run_at and job.handler == handler and job.payload_json == payload_json
    if unchanged and job.status != JOB_FAILED:
        return job
    job.run_at = run_at
    job.handler = handler
    job.payload_json = payload_json
    job.status = JOB_PENDING
    job.attempts = 0
    job.lease_token = None
    job.lease_until = None
    job.last_error = None
    job.done_at = None
    return job


def cancel_job(key: str) -> bool:
    """Delete the job ``key``; True if there was one."""
    return bool(db.session.execute(delete(ScheduledJob).where(ScheduledJob.key == key)).rowcount)


def cancel_jobs(prefix: str) -> int:
    """Delete every job whose key starts with ``prefix`` (e.g. every reminder of a meeting)."""
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return db.session.execute(delete(ScheduledJob).where(ScheduledJob.key.like(escaped + "%", escape="\\"))).rowcount


@dataclass
class JobReport:
    done: int = 0
    retried: int = 0
    failed: int = 0


def _claim(now: datetime, batch_size: int) -> list[ScheduledJob]:
    """Take a lease on up to ``batch_size`` due jobs; commits it at once for other workers to see."""
    token = secrets.token_hex(16)
    claimable = (
        ScheduledJob.status == JOB_PENDING,
        ScheduledJob.run_at <= now,
        or_(ScheduledJob.lease_until.is_(None), ScheduledJob.lease_until < now),
    )
    candidates = select(ScheduledJob.id).where(*claimable).order_by(ScheduledJob.run_at, ScheduledJob.id).limit(batch_size)
    if db.engine.dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    # Conditions repeated on the UPDATE: a row another worker claimed meanwhile is left out.
    db.session.execute(
        update(ScheduledJob)
        .where(ScheduledJob.id.in_(candidates.scalar_subquery()), *claimable)
        .values(lease_token=token, lease_until=now + timedelta(seconds=JOB_LEASE_SECONDS))
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return list(db.session.scalars(select(ScheduledJob).where(ScheduledJob.lease_token == token).order_by(ScheduledJob.run_at)))


@worker_task("scheduled_jobs")
def run_due_jobs(now: datetime | None = None, batch_size: int = 50) -> JobReport:
    """Run every due job once. Safe to call from several workers at the same time."""
    now = now or utcnow()
    report = JobReport()
    while True:
        batch = _claim(now, batch_size)
        for job in batch:
            _run(job, now, report)
        if len(batch) < batch_size:
            return report


def _run(job: ScheduledJob, now: datetime, report: JobReport) -> None:
    """Run one job and commit its handler's writes with its new status (or roll them back and
    commit the failure)."""
    job_id = job.id
    handler = _handlers.get(job.handler)
    try:
        if handler is None:
            raise LookupError(f"no job handler {job.handler!r}")
        handler(**job.payload)
    except Exception as error:  # noqa: BLE001 - a failing job must not stop the others
        db.session.rollback()
        current_app.logger.exception("scheduled job %s failed", job_id)
        job = db.session.get(ScheduledJob, job_id)
        if job is None:  # cancelled meanwhile
            return
        job.attempts += 1
        job.last_error = f"{type(error).__name__}: {error}"[:2000]
        job.lease_token = None
        if job.attempts >= JOB_MAX_ATTEMPTS or handler is None:
            job.status = JOB_FAILED
            job.lease_until = None
            report.failed += 1
        else:
            # The lease doubles as the backoff: the job is claimable again once it expires.
            job.lease_until = max(now, utcnow()) + timedelta(seconds=60 * 2 ** job.attempts)
            report.retried += 1
    else:
        job.status = JOB_DONE
        job.done_at = utcnow()
        job.attempts += 1
        job.lease_token = None
        job.lease_until = None
        report.done += 1
    db.session.commit()
