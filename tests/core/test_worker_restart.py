"""`flask worker`, the real long-running process, while its PostgreSQL server restarts in the middle
of a batch, or stays away longer than the batch's lease: it keeps running, and every message
reaches the SMTP server exactly once.

The server is the test's own (tests/postgres_cluster.py), never the shared one; the test runs in the
PostgreSQL pass of the suite."""
from __future__ import annotations

import asyncio
import email
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from network_space import create_app
from network_space.extensions import db
from tests.helpers import free_port

ROOT = Path(__file__).resolve().parents[2]
MESSAGES = 40
LEASE_SECONDS = 15


class SlowSMTP:
    """Takes a tenth of a second per message, so that a batch is still going when the database
    restarts; keeps the raw Message-ID of everything it accepted."""

    def __init__(self):
        self.message_ids: list[str] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.1)
        with self._lock:
            self.message_ids.append(email.message_from_bytes(envelope.content)["Message-ID"])
        return "250 OK"


def _wait(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


@pytest.mark.parametrize("outage", ["restart", "longer than the lease"])
def test_the_worker_survives_a_database_restart_and_sends_each_message_once(private_postgres, tmp_path, outage):
    from network_space.core.outbox import STATUS_SENT, OutboxMessage, queue_email

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=private_postgres.url, DATA_DIR=str(tmp_path / "data"),
                     SEARCH_INDEX_DIR=str(tmp_path / "index"))
    with app.app_context():
        db.create_all()
        with app.test_request_context():
            queued = {queue_email("test_message", f"membre{i}@example.org", f"Message {i}").message_id
                      for i in range(MESSAGES)}
        db.session.commit()
        db.session.remove()
        db.engine.dispose()

    smtp = SlowSMTP()
    smtp_port = free_port()
    controller = Controller(smtp, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    env = dict(os.environ, FLASK_APP="wsgi.py", NS_CONFIG="development", DATABASE_URL=private_postgres.url,
               MAIL_SERVER="127.0.0.1", MAIL_PORT=str(smtp_port), WORKER_INTERVAL="1",
               OUTBOX_LEASE_SECONDS=str(LEASE_SECONDS), NS_INSTANCE_DIR=str(tmp_path / "instance"),
               DATA_DIR=str(tmp_path / "data"), SEARCH_INDEX_DIR=str(tmp_path / "index"))
    log = open(tmp_path / "worker.log", "w")
    worker = subprocess.Popen([sys.executable, "-m", "flask", "worker"], cwd=ROOT, env=env, stdout=log,
                              stderr=subprocess.STDOUT)
    try:
        _wait(lambda: len(smtp.message_ids) >= 5, 60, "the first messages")
        if outage == "restart":
            private_postgres.restart()
        else:
            # Gone past the batch's lease: the message the SMTP server accepted meanwhile still
            # waits for its sent mark rather than going out again when the lease ends.
            private_postgres.stop()
            time.sleep(LEASE_SECONDS + 3)
            private_postgres.start()
        restarted_after = len(smtp.message_ids)
        _wait(lambda: len(set(smtp.message_ids)) == MESSAGES or worker.poll() is not None, 120,
              "every message")
        # A message sent but not marked would be sent again once its lease expires: wait past it.
        time.sleep(LEASE_SECONDS + 3)
        assert worker.poll() is None, (tmp_path / "worker.log").read_text()[-3000:]
    finally:
        worker.terminate()
        worker.wait(30)
        log.close()
        controller.stop()
    assert restarted_after < MESSAGES  # the restart did fall in the middle of the batch
    worker_log = (tmp_path / "worker.log").read_text()
    assert "the database refused a write" in worker_log  # a sent mark waited for the server to come back
    assert sorted(smtp.message_ids) == sorted(queued)  # each once, none lost
    with app.app_context():
        assert set(db.session.scalars(select(OutboxMessage.status))) == {STATUS_SENT}
        db.session.remove()
        db.engine.dispose()
