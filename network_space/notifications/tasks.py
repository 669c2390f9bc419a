"""The worker tasks of notifications: digests and retention (the outbox and the scheduled jobs
register theirs in core)."""
from __future__ import annotations

from network_space.core.worker import worker_task
from network_space.notifications.digests import send_digests
from network_space.notifications.services import purge_read


@worker_task("digest_daily")
def _daily_digest():
    return send_digests("daily")


@worker_task("digest_weekly")
def _weekly_digest():
    return send_digests("weekly")


worker_task("notification_retention")(purge_read)
