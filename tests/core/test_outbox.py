"""The outbox: written in the caller's transaction, delivered by the worker over real SMTP,
retried with backoff while the server is down, sent exactly once, failed after the last try."""
from __future__ import annotations

import asyncio
import email
import threading
from datetime import timedelta

from aiosmtpd.controller import Controller
from sqlalchemy import select, update

from network_space.core.models import utcnow
from network_space.core.outbox import (
    STATUS_FAILED,
    STATUS_PENDING,
    STATUS_SENT,
    OutboxMessage,
    deliver_pending,
    queue_email,
)
from network_space.extensions import db
from tests.conftest import _reset_mail_state
from tests.helpers import free_port


def _queue(n=1, to="dest@example.org"):
    for i in range(n):
        queue_email("test_message", to, f"Sujet {i}")
    db.session.commit()


def _make_all_due():
    db.session.execute(update(OutboxMessage).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()


def test_message_is_multipart_french_and_sent_once(ctx, smtp):
    _queue()
    assert deliver_pending().sent == 1
    assert deliver_pending().sent == 0
    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    assert message["Subject"] == "Sujet 0"
    assert message.is_multipart()
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Ceci est un message de test" in text and "http://localhost/" in text
    assert '<html lang="fr">' in html
    assert db.session.scalar(select(OutboxMessage.status)) == STATUS_SENT


def test_rolled_back_change_sends_nothing(ctx, smtp):
    queue_email("test_message", "dest@example.org", "Jamais")
    db.session.rollback()
    assert deliver_pending().sent == 0
    assert smtp.messages == []


def test_smtp_down_then_back_delivers_everything_once(ctx, smtp, app):
    _queue(5)
    smtp.stop()  # the server is down
    report = deliver_pending()
    assert report.sent == 0 and report.retried == 5
    message = db.session.scalars(select(OutboxMessage)).first()
    assert message.status == STATUS_PENDING and message.attempts == 1
    assert message.next_attempt_at > utcnow()  # backoff: not retried at once
    assert "ConnectionRefusedError" in message.last_error
    assert deliver_pending().sent == 0  # not yet due

    # Hours later, several failed tries; the server comes back.
    for _ in range(3):
        _make_all_due()
        deliver_pending()
    smtp.start()
    _make_all_due()
    assert deliver_pending().sent == 5
    _make_all_due()
    assert deliver_pending().sent == 0
    assert sorted(m["Subject"] for m in smtp.messages) == [f"Sujet {i}" for i in range(5)]


def test_refused_message_fails_after_last_attempt(ctx, smtp, app):
    app.config["OUTBOX_MAX_ATTEMPTS"] = 3
    try:
        smtp.refuse = True
        _queue()
        for _ in range(3):
            _make_all_due()
            deliver_pending()
        message = db.session.scalars(select(OutboxMessage)).one()
        assert message.status == STATUS_FAILED
        assert message.attempts == 3
        assert "451" in message.last_error
    finally:
        app.config["OUTBOX_MAX_ATTEMPTS"] = 20


def test_a_recipient_refused_for_good_fails_at_once_and_blocks_nobody(ctx, smtp):
    """550 for an address the server does not know: failed at once, with the server's words, on
    the admin page's failures (not retried for hours as "pending"); the others go."""
    smtp.unknown = {"parti@example.org"}
    _queue(to="avant@example.org")
    _queue(to="parti@example.org")
    _queue(to="apres@example.org")
    report = deliver_pending()
    assert (report.sent, report.failed, report.retried) == (2, 1, 0)
    refused = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == "parti@example.org")).one()
    assert refused.status == STATUS_FAILED and refused.attempts == 1 and "550" in refused.last_error
    assert sorted(e.rcpt_tos[0] for e in smtp.envelopes) == ["apres@example.org", "avant@example.org"]


def test_two_workers_never_send_a_message_twice(app, smtp):
    with app.app_context():
        _queue(40)
    barrier = threading.Barrier(2)
    errors = []

    def worker():
        try:
            with app.app_context():
                barrier.wait()
                deliver_pending(batch_size=5)
                db.session.remove()
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    subjects = [m["Subject"] for m in smtp.messages]
    assert len(subjects) == 40 == len(set(subjects))


class StallingSMTP:
    """Accepts the first ``accept`` messages, then holds the next one until released and refuses
    it and the rest, as a server that starts failing in the middle of a batch."""

    def __init__(self, accept: int):
        self.accept = accept
        self.subjects: list[str] = []
        self.stalled = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        if len(self.subjects) >= self.accept:
            if not self.release.is_set():
                self.stalled.set()
                await asyncio.get_running_loop().run_in_executor(None, self.release.wait, 30)
            return "451 4.3.0 Temporary failure, try again later"
        self.subjects.append(email.message_from_bytes(envelope.content)["Subject"])
        return "250 OK"


def test_accepted_messages_are_marked_sent_at_once_and_never_resent(app, smtp):
    """While the worker is still in the middle of its batch, every message the server accepted is
    already committed as sent: a worker killed there, or one whose server then fails, re-sends
    none of them."""
    handler = StallingSMTP(accept=3)
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    saved_port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = port
    _reset_mail_state(app)
    try:
        with app.app_context():
            _queue(6)
        reports = []

        def worker():
            with app.app_context():
                reports.append(deliver_pending())
                db.session.remove()

        thread = threading.Thread(target=worker)
        thread.start()
        try:
            assert handler.stalled.wait(30)
            # The worker waits for the server's answer on the fourth message.
            with app.app_context():
                rows = db.session.execute(select(OutboxMessage.subject, OutboxMessage.status, OutboxMessage.sent_at)
                                          .order_by(OutboxMessage.id)).all()
                assert [(s, st) for s, st, _ in rows] == [(f"Sujet {i}", STATUS_SENT if i < 3 else STATUS_PENDING)
                                                          for i in range(6)]
                assert all(sent_at is not None for _, st, sent_at in rows if st == STATUS_SENT)
                db.session.remove()
        finally:
            handler.release.set()
            thread.join(30)
        assert reports[0].sent == 3 and reports[0].retried == 3

        # Later the server accepts again: only the three refused messages go out.
        handler.accept = 100
        with app.app_context():
            _make_all_due()
            assert deliver_pending().sent == 3
            _make_all_due()
            assert deliver_pending().sent == 0
            assert set(db.session.scalars(select(OutboxMessage.status))) == {STATUS_SENT}
        assert sorted(handler.subjects) == [f"Sujet {i}" for i in range(6)]
    finally:
        controller.stop()
        app.config["MAIL_PORT"] = saved_port
        _reset_mail_state(app)


def test_a_poisoned_message_fails_alone_and_shows_as_failed(app, client, login_as, smtp):
    """A subject with a line break (from a title typed before the forms refused them): Flask-Mail
    refuses to send it. Before, that error escaped the batch, which stayed leased with the poison
    first: nothing behind it was ever sent, and nothing showed as failed."""
    with app.test_request_context():
        queue_email("test_message", "avant@example.org", "Invitation au réseau")
        poison = queue_email("test_message", "poison@example.org", "Réunion\r\nBcc: tous@example.org")
        queue_email("test_message", "apres@example.org", "Réinitialisation de votre mot de passe")
        db.session.commit()
        poison_id = poison.id
        report = deliver_pending()
        assert (report.sent, report.failed, report.retried) == (2, 1, 0)
        assert deliver_pending().sent == 0  # nothing left, nothing sent twice
        poisoned = db.session.get(OutboxMessage, poison_id)
        assert poisoned.status == STATUS_FAILED and poisoned.attempts == 1
        assert poisoned.last_error.startswith("BadHeaderError") and poisoned.lease_token is None
    assert sorted(m["To"] for m in smtp.messages) == ["apres@example.org", "avant@example.org"]
    assert not any(b"tous@example.org" in e.content for e in smtp.envelopes)

    login_as("admin")
    failed = client.get("/admin/emails?status=failed").get_data(as_text=True)
    assert "poison@example.org" in failed and "Échec" in failed and "Réessayer" in failed
    assert "avant@example.org" not in failed

