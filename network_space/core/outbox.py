"""Email that is never lost: an outbox table written in the caller's transaction, sent by the worker.

``queue_email()`` only adds a row to the session; the caller commits it together with the change
that caused it. ``deliver_pending()`` claims due rows with a lease (``FOR UPDATE SKIP LOCKED`` on
PostgreSQL; SQLite serialises writers), sends them over SMTP through Flask-Mail, and on failure
schedules a retry with exponential backoff until the last attempt marks the message failed.
Each message is marked sent, and committed, as soon as the SMTP server accepted it (_Writes),
across a restart of the database if need be. Whatever is raised for one message (a header
Flask-Mail refuses…) is that message's failure, recorded; the rest of the batch goes on.
"""
from __future__ import annotations

import email.policy
import json
import logging
import secrets
import smtplib
import socket
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import make_msgid

from flask import current_app, render_template
from flask_mail import Message
from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text, bindparam, delete, func, or_, select, update
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column, relationship

from network_space.core.i18n import in_language_of, lazy_gettext as _l
from network_space.core.models import UTCDateTime, utcnow
from network_space.core.privacy import BASIS_PUBLIC_TASK, Retention, register_personal_data
from network_space.core.worker import worker_task
from network_space.extensions import db

log = logging.getLogger(__name__)

STATUS_PENDING = "pending"
STATUS_SENT = "sent"
STATUS_FAILED = "failed"
# As people read them: the admin pages and a member's data download.
STATUS_LABELS = {STATUS_PENDING: _l("En attente"), STATUS_SENT: _l("Envoyé"), STATUS_FAILED: _l("Échec")}


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

    The message is written in the language of ``user`` (the site's for a bare address), whoever's
    request or task sends it: a lazy ``subject`` (``_l(...)``) too, and the templates' texts.
    ``attachments`` is a list of ``(filename, content_type, content)``.
    The caller commits: the message exists if and only if the change that caused it does.
    """
    context.setdefault("site_name", current_app.config["SITE_NAME"])
    context.setdefault("site_url", current_app.config["SITE_URL"])
    context.setdefault("recipient_user", user)
    with in_language_of(user):
        subject = str(subject)
        context["subject"] = subject
        text_body = render_template(f"email/{template}.txt", **context)
        html_body = render_template(f"email/{template}.html", **context)
    message = OutboxMessage(
        kind=kind or template,
        recipient=recipient,
        user_id=getattr(user, "id", None),
        subject=subject,
        text_body=text_body,
        html_body=html_body,
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


class _Mail(Message):
    """Flask-Mail's message, its headers sent as they are written.

    Flask-Mail serialises with email.policy.SMTP, which refolds any header line longer than 78
    characters and, as a URL cannot be folded, turns it into an RFC 2047 encoded word
    (``=?utf-8?q?=3Chttps…?=``) that mail clients do not read as a URL: one-click unsubscribe
    (RFC 8058) would not work. With refold_source="none", a line is written as it was set: the
    headers this module adds are short or a single URL (at most 998 characters per line, RFC 5322),
    and Flask-Mail encodes the subject and addresses itself. Overrides Flask-Mail's _message(), the
    one place the policy is set (Flask-Mail 0.10)."""

    def _message(self):
        message = super()._message()
        message.policy = email.policy.SMTP.clone(refold_source="none")
        return message


def _to_flask_mail(message: OutboxMessage) -> Message:
    mail = _Mail(
        subject=message.subject,
        recipients=[message.recipient],
        body=message.text_body,
        html=message.html_body,
        extra_headers=message.headers,
    )
    # Flask-Mail writes a Message-ID of its own: it is the outbox's, the one given at queueing
    # (kept for the admin pages and replies), and the only one.
    mail.msgId = message.message_id
    for attachment in message.attachments:
        mail.attach(attachment.filename, attachment.content_type, attachment.content)
    return mail


def _backoff(attempts: int) -> timedelta:
    config = current_app.config
    return timedelta(seconds=min(config["OUTBOX_BACKOFF_BASE"] * 2 ** max(attempts - 1, 0), config["OUTBOX_BACKOFF_MAX"]))


def _refused_for_good(error: Exception) -> bool:
    """The SMTP server refused this message for good (5xx): its recipient does not exist, or its
    content is refused. Trying again for hours would only hide it from the admin page's failures.
    A refused sender or login is the server's setting, not the message's: those are retried."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return bool(error.recipients) and all(code >= 500 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPDataError) and error.smtp_code >= 500


def _failure(message: Outgoing, error: Exception, report: DeliveryReport, *, final: bool = False) -> dict:
    """The row's values after a failed try: retried later with backoff, or failed for good after
    the last attempt, or at once when ``final`` (the message itself cannot be sent)."""
    attempts = message.attempts + 1
    values = {"attempts": attempts, "last_error": f"{type(error).__name__}: {error}"[:2000],
              "lease_token": None, "lease_until": None}
    if final or attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
        values["status"] = STATUS_FAILED
        report.failed += 1
    else:
        values["next_attempt_at"] = utcnow() + _backoff(attempts)
        report.retried += 1
    return values


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
    .where(OutboxMessage.id == bindparam("row_id"))
    .values(status=STATUS_SENT, sent_at=bindparam("sent_when"), attempts=OutboxMessage.attempts + 1,
            last_error=None, lease_token=None, lease_until=None)
)
# How long past its batch's lease a message the SMTP server accepted may wait for its sent mark:
# a database away that long (an hour) has stopped far more than the outbox.
SENT_MARK_PATIENCE = 3600
# Errors of a database that restarts or is out of reach; any other error is a bug and propagates.
_DATABASE_GONE = (OperationalError, InterfaceError)


class _Writes:
    """What a batch writes while it sends (each message's sent mark or failure), committed one by
    one on a connection of its own, held for the batch: committing the worker's session instead
    would expire every object it holds, once per message.

    Marked sent as soon as the SMTP server accepted it, so that a worker killed at any point
    re-sends nothing (at most the one message whose answer it never got). A commit does not wait
    for a disk flush (PostgreSQL: synchronous_commit off on this connection; SQLite: WAL with
    synchronous=NORMAL, see extensions.py): once it returns the mark is visible and survives
    anything that happens to the worker.

    A write the database refuses because it is restarting or out of reach is tried again on a new
    connection until ``deadline`` (time.monotonic(), before the batch's lease ends). A sent mark
    is tried for longer (SENT_MARK_PATIENCE past it): the message is in the recipient's mailbox,
    and only its mark keeps it from going a second time once the lease ends; while the database is
    gone nobody can claim it, and its mark is written within seconds of the database's return.
    """

    def __init__(self, deadline: float):
        self.deadline = deadline
        self.connection = None

    def _connect(self):
        """A new connection, its commits not waiting for the disk (commits that setting)."""
        connection = db.engine.connect()
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("SET synchronous_commit TO OFF")
            connection.commit()
        return connection

    def write(self, statement, parameters: dict, *, patience: float = 0) -> None:
        """Execute and commit ``statement``, again on a new connection while the database is gone
        (until the deadline, and ``patience`` seconds more)."""
        deadline = self.deadline + patience
        delay = 0.2
        while True:
            try:
                if self.connection is None:
                    self.connection = self._connect()
                self.connection.execute(statement, parameters)
                self.connection.commit()
                return
            except _DATABASE_GONE as error:
                self._drop()
                if time.monotonic() + delay >= deadline:
                    raise
                log.warning("outbox: the database refused a write (%s); trying again in %.1f s",
                            type(error).__name__, delay)
                time.sleep(delay)
                delay = min(delay * 2, 5)

    def sent(self, message: Outgoing) -> None:
        self.write(_MARK_SENT, {"row_id": message.id, "sent_when": utcnow()}, patience=SENT_MARK_PATIENCE)

    def failed(self, message: Outgoing, values: dict) -> None:
        self.write(update(OutboxMessage).where(OutboxMessage.id == message.id).values(**values), {})

    def _drop(self) -> None:
        if self.connection is not None:
            try:
                self.connection.invalidate()
                self.connection.close()
            except SQLAlchemyError:
                pass
            self.connection = None

    def close(self) -> None:
        """Undo the setting (and commit that) before the pool gets the connection back."""
        if self.connection is None:
            return
        try:
            if self.connection.dialect.name == "postgresql":
                self.connection.rollback()
                self.connection.exec_driver_sql("RESET synchronous_commit")
                self.connection.commit()
            self.connection.close()
        except SQLAlchemyError:
            self._drop()
        self.connection = None


@dataclass
class Outgoing:
    """A claimed message, as plain values: the session that loaded it is let go before sending,
    so a database restart during the batch only touches _Writes, which is ready for it."""

    id: int
    attempts: int
    mail: Message | None
    error: Exception | None = None  # why it could not even be composed


def _outgoing(batch: list[OutboxMessage]) -> list[Outgoing]:
    outgoing = []
    for message in batch:
        try:
            outgoing.append(Outgoing(message.id, message.attempts, _to_flask_mail(message)))
        except Exception as error:  # noqa: BLE001 - a damaged row fails alone (see _deliver)
            outgoing.append(Outgoing(message.id, message.attempts, None, error))
    db.session.rollback()  # ends the read; the session holds no connection while the batch is sent
    return outgoing


def _deliver(batch_size: int) -> DeliveryReport:
    """Claim and send batches until none is left. Each message's outcome is committed as it is
    known (_Writes). Anything raised for one message is that message's failure; the others go on."""
    report = DeliveryReport()
    lease = current_app.config["OUTBOX_LEASE_SECONDS"]
    while True:
        claimed_at = time.monotonic()
        batch = _claim(batch_size)
        if not batch:
            return report
        outgoing = _outgoing(batch)
        # Nothing is sent once the lease might have ended: another worker may have claimed the rest.
        writes = _Writes(deadline=claimed_at + lease * 0.9)
        try:
            try:
                # init_app() keeps the mail state in app.extensions, not on the Mail object.
                connection = current_app.extensions["mail"].connect()
                connection.__enter__()
            except (OSError, smtplib.SMTPException) as error:
                # The server is unreachable: every message of the batch waits for its next try.
                for message in outgoing:
                    writes.failed(message, _failure(message, error, report))
                return report
            try:
                for message in outgoing:
                    if time.monotonic() >= writes.deadline:
                        return report  # the rest is claimed again when the lease ends
                    try:
                        if message.error is not None:
                            raise message.error
                        connection.send(message.mail)
                    except (OSError, smtplib.SMTPException) as error:
                        writes.failed(message, _failure(message, error, report, final=_refused_for_good(error)))
                        if isinstance(error, (smtplib.SMTPServerDisconnected, ConnectionError)):
                            return report
                    except Exception as error:  # noqa: BLE001 - this message cannot be sent; the others can
                        # E.g. Flask-Mail's BadHeaderError (a line break in a header): no retry will
                        # change that, so it fails at once, shown as failed on the admin page.
                        log.error("outbox: message %s cannot be sent: %s: %s", message.id, type(error).__name__, error)
                        writes.failed(message, _failure(message, error, report, final=True))
                        _reset(connection)
                    else:
                        writes.sent(message)
                        report.sent += 1
            finally:
                try:
                    connection.__exit__(None, None, None)
                except (OSError, smtplib.SMTPException):
                    pass
        finally:
            writes.close()
        if len(batch) < batch_size:
            return report


def _reset(connection) -> None:
    """Abort whatever SMTP transaction a failed message may have left open (RSET)."""
    try:
        connection.host.rset()
    except (OSError, smtplib.SMTPException):
        pass


def _back_in_queue() -> dict:
    """A failed message's values once put back in the queue for an immediate try."""
    return {"status": STATUS_PENDING, "attempts": 0, "next_attempt_at": utcnow(), "lease_token": None,
            "lease_until": None}


def retry_now(message: OutboxMessage) -> None:
    """Admin action: put a failed message back in the queue for an immediate try."""
    for name, value in _back_in_queue().items():
        setattr(message, name, value)


def retry_all_failed() -> int:
    """Admin action, after a long outage of the SMTP server: every failed message back in the
    queue, in one statement. Returns how many."""
    return db.session.execute(update(OutboxMessage).where(OutboxMessage.status == STATUS_FAILED)
                              .values(**_back_in_queue())).rowcount


def backlog() -> int:
    return db.session.scalar(
        select(db.func.count(OutboxMessage.id)).where(OutboxMessage.status == STATUS_PENDING)
    ) or 0


# --- Personal data (core/privacy.py) -------------------------------------------------------------

def _to(user):
    return or_(OutboxMessage.user_id == user.id, OutboxMessage.recipient == user.email)


def export_emails(user) -> dict:
    messages = db.session.scalars(select(OutboxMessage).where(_to(user)).order_by(OutboxMessage.id))
    return {"emails": [
        {"cree_le": m.created_at, "envoye_le": m.sent_at, "etat": str(STATUS_LABELS.get(m.status, m.status)),
         "objet": m.subject, "texte": m.text_body}
        for m in messages
    ]}


def erase_emails(user) -> None:
    """Every message to them goes, those still waiting too: none is sent after the erasure."""
    ids = select(OutboxMessage.id).where(_to(user))
    db.session.execute(delete(OutboxAttachment).where(OutboxAttachment.message_id.in_(ids)))
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(ids)))


def empty_sent_bodies(cutoff: datetime) -> int:
    """Sent messages keep who, when and the subject (delivery follow-up), not their text."""
    sent = select(OutboxMessage.id).where(OutboxMessage.status == STATUS_SENT, OutboxMessage.sent_at < cutoff)
    db.session.execute(delete(OutboxAttachment).where(OutboxAttachment.message_id.in_(sent)))
    return db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id.in_(sent), or_(OutboxMessage.text_body != "",
                                                                    OutboxMessage.html_body != ""))
        .values(text_body="", html_body="").execution_options(synchronize_session=False)
    ).rowcount


def purge_emails(cutoff: datetime) -> int:
    """Sent and failed messages; those still to send stay whatever their age."""
    done = select(OutboxMessage.id).where(OutboxMessage.status != STATUS_PENDING,
                                          func.coalesce(OutboxMessage.sent_at, OutboxMessage.created_at) < cutoff)
    db.session.execute(delete(OutboxAttachment).where(OutboxAttachment.message_id.in_(done)))
    return db.session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(done))
                              .execution_options(synchronize_session=False)).rowcount


def init_app(app) -> None:
    register_personal_data(
        "emails", _l("Emails envoyés par le site"), order=25,
        data=_l("Adresse du destinataire, objet, texte et date des emails envoyés (invitations, notifications, "
                "résumés, réinitialisation du mot de passe), état de l'envoi."),
        purpose=_l("Envoyer les emails sans en perdre ni en doubler, et permettre aux administrateurs de vérifier "
                   "qu'un message est bien parti."),
        legal_basis=(BASIS_PUBLIC_TASK,),
        kept=_l("Le texte jusqu'à l'échéance ci-dessous, puis seuls le destinataire, l'objet et la date, jusqu'à "
                "la suppression du message. Les emails d'un compte effacé sont supprimés, y compris ceux en attente."),
        export=export_emails, erase=erase_emails,
        retentions=(
            Retention(_l("Texte des emails envoyés"), "EMAIL_BODY_RETENTION_DAYS", empty_sent_bodies),
            Retention(_l("Emails envoyés ou en échec"), "EMAIL_RETENTION_DAYS", purge_emails),
        ),
    )
