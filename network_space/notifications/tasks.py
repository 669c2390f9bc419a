"""The worker tasks of notifications: digests (the outbox, the scheduled jobs and the retention
of personal data register theirs in core)."""
from __future__ import annotations

from network_space.core.worker import worker_task
from network_space.notifications.digests import send_digests


@worker_task("digest_daily")
def _daily_digest():
    return send_digests("daily")


@worker_task("digest_weekly")
def _weekly_digest():
    return send_digests("weekly")
