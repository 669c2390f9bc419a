"""The worker tasks of notifications: reminders, digests, retention (the outbox is in worker.py)."""
from __future__ import annotations

from network_space.notifications.worker import worker_task


@worker_task("scheduled_jobs")
def _run_scheduled_jobs():
    from network_space.notifications.scheduler import run_due_jobs

    return run_due_jobs()


@worker_task("digest_daily")
def _daily_digest():
    from network_space.notifications.digests import send_digests

    return send_digests("daily")


@worker_task("digest_weekly")
def _weekly_digest():
    from network_space.notifications.digests import send_digests

    return send_digests("weekly")


@worker_task("notification_retention")
def _retention():
    from network_space.notifications.services import purge_read

    return purge_read()


@worker_task("inbound_retention")
def _inbound_retention():
    from network_space.core.inbound import forget_old

    return forget_old()
