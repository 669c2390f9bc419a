"""The worker runs the notification tasks; two workers never produce a digest twice."""
from __future__ import annotations

import threading
from datetime import datetime, timezone

from network_space.core.worker import run_once
from network_space.extensions import db
from network_space.notifications.digests import send_digests
from network_space.notifications.models import Notification


def test_worker_runs_every_notification_task(app):
    with app.app_context():
        results = run_once()
    for name in ("outbox", "scheduled_jobs", "digest_daily", "digest_weekly", "retention"):
        assert name in results and not isinstance(results[name], Exception), results


def test_two_workers_never_send_the_same_digest(app, smtp, make_user):
    members = [make_user() for _ in range(5)]
    created = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)
    with app.app_context():
        for member in members:
            db.session.add(Notification(user_id=member.id, kind="test.resource", category="library", channel="daily",
                                        title="Ressource", context_json="{}", created_at=created))
        db.session.commit()
    now = datetime(2026, 6, 2, 6, 0, 1, tzinfo=timezone.utc)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def worker():
        try:
            with app.app_context():
                barrier.wait()
                results.append(send_digests("daily", now=now))
                db.session.remove()
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(results) == [0, 5]
