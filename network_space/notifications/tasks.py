"""The worker tasks of notifications: digests and retention (the outbox and the scheduled jobs\nregister theirs in core)."""
from __future__ import annotations

from network_space.core.worker import worker_task


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
