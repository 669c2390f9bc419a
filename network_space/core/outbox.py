"""Email that is never lost: an outbox table written in the caller's transaction, sent by the worker.

``queue_email()`` only adds a row to the session; the caller commits it together with the change
that caused it. ``deliver_pending()`` claims due rows with a lease (``FOR UPDATE SKIP LOCKED`` on
PostgreSQL; SQLite serialises writers), sends them over SMTP through Flask-Mail, and on failure
schedules a retry with exponential backoff until the last attempt marks the message failed.
Each message is marked sent, and committed, as soon as the SMTP server accepted it (_mark_sent).
"""
from __future__ import annotations

import json
import secrets
import smtplib
import socket
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import make_msgid

from flask import current_app, render_template
from flask_mail import Message
from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text, bindparam, or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column, relationship

from network_space.core.models import UTCDateTime, utcnow
from network_space.core.worker import worker_task
from network_space.extensions import db

STATUS_PENDING = "pending"
STATUS_SENT = "sent"
STATUS_FAILED = "failed"


class OutboxMessage(db.Model):
    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    kind: Mapped[str] = mapped_column(String(60), index=True)
    recipient: Mapped[str] = mapped_column(String(254), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    headers_json: Mapped[str] = mapped_column(Text, default="{}")
    message_id: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default=STATUS_PENDING, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    lease_token: Mapped[str | None] = mapped_column(String(32))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    attachments: Mapped[list["OutboxAttachment"]] = relationship(
        cascade="all, delete-orphan", order_by="OutboxAttachment.id", lazy="selectin"
    )

    @property
    def headers(self) -> dict[str, str]:
        return json.loads(self.headers_json or "{}")


class OutboxAttachment(db.Model):
    """A file sent with a message (e.g. the .ics of a meeting invitation), stored with it so the
    message can be retried exactly as queued."""

    __tablename__ = "outbox_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("outbox_message.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    # May carry parameters, e.g. "text/calendar; method=REQUEST" for calendar invitations.
    content_type: Mapped[str] = mapped_column(String(200))
    content: Mapped[bytes] = mapped_column(LargeBinary)


def queue_email(
    template: str,
    recipient: str,
    subject: str,
    *,
    kind: str | None = None,
    user=None,
    headers: dict[str, str] | None = None,
    attachments: list[tuple[str, str, bytes]] | None = None,
    **context,
) -> OutboxMessage:
    """Render ``templates/email/<template>.txt`` and ``.html`` and add the message to the session.

    ``attachments`` is a list of ``(filename, content_type, content)``.
    The caller commits: the message exists if and only if the change that caused it does.
    """
    context.setdefault("site_name", current_app.config["SITE_NAME"])
    context.setdefault("site_url", current_app.config["SITE_URL"])
    context.setdefault("recipient_user", user)
    context["subject"] = subject
    message = OutboxMessage(
        kind=kind or template,
        recipient=recipient,
        user_id=getattr(user, "id", None),
        subject=subject,
        text_body=render_template(f"email/{template}.txt", **context),
        html_body=render_template(f"email/{template}.html", **context),
        headers_json=json.dumps(headers or {}),
        message_id=make_msgid(domain=_sender_domain() or "localhost"),
        status=STATUS_PENDING,
        next_attempt_at=utcnow(),
        attachments=[
            OutboxAttachment(filename=name, content_type=content_type, content=content)
            for name, content_type, content in attachments or ()
        ],
    )
    db.session.add(message)
    return message


def _sender_domain() -> str | None:
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    if "@" not in sender:
        return None
    return sender.rsplit("@", 1)[1].rstrip(">").strip()


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0


def _claim(batch_size: int) -> list[OutboxMessage]:
    """Take a lease on up to ``batch_size`` due messages; another worker skips them. Commits the
    lease at once, so that other workers see it."""
    now = utcnow()
    token = secrets.token_hex(16)
    lease_until = now + timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"])
    claimable = (
        OutboxMessage.status == STATUS_PENDING,
        OutboxMessage.next_attempt_at <= now,
        or_(OutboxMessage.lease_until.is_(None), OutboxMessage.lease_until < now),
    )
    candidates = select(OutboxMessage.id).where(*claimable).order_by(OutboxMessage.id).limit(batch_size)
    if db.engine.dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    # The claim conditions are repeated on the UPDATE itself: under READ COMMITTED a row that
    # another worker claimed meanwhile is re-checked and left out.
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(candidates.scalar_subquery()), *claimable)
        .values(lease_token=token, lease_until=lease_until)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return list(
        db.session.scalars(select(OutboxMessage).where(OutboxMessage.lease_token == token).order_by(OutboxMessage.id))
    )


def _to_flask_mail(message: OutboxMessage) -> Message:
    extra = message.headers
    extra["Message-ID"] = message.message_id
    mail = Message(
        subject=message.subject,
        recipients=[message.recipient],
        body=message.text_body,
        html=message.html_body,
        extra_headers=extra,
    )
    for attachment in message.attachments:
        mail.attach(attachment.filename, attachment.content_type, attachment.content)
    return mail


def _backoff(attempts: int) -> timedelta:
    config = current_app.config
    return timedelta(seconds=min(config["OUTBOX_BACKOFF_BASE"] * 2 ** max(attempts - 1, 0), config["OUTBOX_BACKOFF_MAX"]))


def _record_failure(message: OutboxMessage, error: Exception, report: DeliveryReport) -> None:
    message.attempts += 1
    message.last_error = f"{type(error).__name__}: {error}"[:2000]
    message.lease_token = None
    message.lease_until = None
    if message.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
        message.status = STATUS_FAILED
        report.failed += 1
    else:
        message.next_attempt_at = utcnow() + _backoff(message.attempts)
        report.retried += 1


@worker_task("outbox")
def deliver_pending(batch_size: int = 100) -> DeliveryReport:
    """Send every due message once; returns what happened. Safe to run in several workers."""
    # Flask-Mail opens smtplib.SMTP without a timeout: a server that accepts the connection and
    # then hangs would block the worker forever. The default socket timeout bounds it.
    previous_timeout = socket.getdefaulttimeout()
    socket.setdefaulttimeout(current_app.config["MAIL_TIMEOUT"])
    try:
        return _deliver(batch_size)
    finally:
        socket.setdefaulttimeout(previous_timeout)


# The sent mark, built once: it runs once per message.
_MARK_SENT = (
    update(OutboxMessage)
    .where(OutboxMessage.id == bindparam("sent_id"))
    .values(status=STATUS_SENT, sent_at=bindparam("sent_when"), attempts=OutboxMessage.attempts + 1,
            last_error=None, lease_token=None, lease_until=None)
)


@contextmanager
def _marks_connection():
    """The connection the sent marks of a batch go through (see _mark_sent). On PostgreSQL its
    commits do not wait for the WAL flush; the setting is undone before the pool gets it back."""
    with db.engine.connect() as connection:
        postgresql = connection.dialect.name == "postgresql"
        if postgresql:
            connection.exec_driver_sql("SET synchronous_commit TO OFF")
            connection.commit()
        try:
            yield connection
        finally:
            if postgresql:
                try:
                    connection.rollback()
                    connection.exec_driver_sql("RESET synchronous_commit")
                    connection.commit()
                except SQLAlchemyError:
                    connection.invalidate()


def _mark_sent(connection, message_id: int) -> None:
    """Commit the sent mark of one message right after the SMTP server accepted it, so a worker
    killed at any point re-sends nothing (at most the one message whose answer it never got).

    The mark goes through a connection of its own, held for the batch: committing the worker's
    session instead would expire every object the session holds, once per message. The commit
    does not wait for a disk flush (PostgreSQL: synchronous_commit off on that connection;
    SQLite: WAL with synchronous=NORMAL, see extensions.py): once it returns the mark is visible
    and survives anything that happens to the worker; only a crash of the database server or of
    the machine in the next fraction of a second could undo it.
    """
    connection.execute(_MARK_SENT, {"sent_id": message_id, "sent_when": utcnow()})
    connection.commit()


def _deliver(batch_size: int) -> DeliveryReport:
    """Claim and send batches until none is left; commits each failure as it is recorded (each
    success through _mark_sent)."""
    report = DeliveryReport()
    while True:
        batch = _claim(batch_size)
        if not batch:
            return report
        try:
            # init_app() keeps the mail state in app.extensions, not on the Mail object.
            connection = current_app.extensions["mail"].connect()
            connection.__enter__()
        except (OSError, smtplib.SMTPException) as error:
            # The server is unreachable: every message of the batch waits for its next try.
            for message in batch:
                _record_failure(message, error, report)
            db.session.commit()
            return report
        # Built before the first commit expires the batch's objects, so sending reloads nothing.
        outgoing = [(message, message.id, _to_flask_mail(message)) for message in batch]
        try:
            with _marks_connection() as marks:
                for message, message_id, mail in outgoing:
                    try:
                        connection.send(mail)
                    except (OSError, smtplib.SMTPException) as error:
                        _record_failure(message, error, report)
                        db.session.commit()
                        if isinstance(error, (smtplib.SMTPServerDisconnected, ConnectionError)):
                            return report
                    else:
                        _mark_sent(marks, message_id)
                        report.sent += 1
        finally:
            try:
                connection.__exit__(None, None, None)
            except (OSError, smtplib.SMTPException):
                pass
        if len(batch) < batch_size:
            return report


def retry_now(message: OutboxMessage) -> None:
    """Admin action: put a failed message back in the queue for an immediate try."""
    message.status = STATUS_PENDING
    message.attempts = 0
    message.next_attempt_at = utcnow()
    message.lease_token = None
    message.lease_until = None


def backlog() -> int:
    return db.session.scalar(
        select(db.func.count(OutboxMessage.id)).where(OutboxMessage.status == STATUS_PENDING)
    ) or 0
