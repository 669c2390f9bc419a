"""``flask mail-ingest``: one email on standard input, for an MTA's pipe transport (Postfix).

It hands the message to core/inbound.py, sends the member the notice the outcome calls for
(through the outbox, so in the same transaction as the outcome) and commits. Its exit status is
what Postfix's pipe(8) understands: 0 when the message is dealt with (posted, refused, ignored,
a duplicate), EX_TEMPFAIL (75) when it could not be (database unreachable or restarting, and any
unexpected error), so that Postfix keeps the message and tries again later; never another status,
which Postfix would turn into a bounce to a possibly forged sender. It prints one line, never a
traceback: Postfix copies the output into its log and its delay notices.
"""
from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError

from network_space.core.i18n import lazy_gettext as _l
from network_space.core.inbound import DUPLICATE, POSTED, InboundMail, Outcome, ingest
from network_space.core.mailtext import parse
from network_space.core.outbox import queue_email
from network_space.extensions import db

EX_OK = 0
EX_TEMPFAIL = 75  # sysexits.h


def _read(stream, limit: int) -> bytes:
    """At most ``limit + 1`` bytes (enough to know the message is too big), the rest read and
    dropped: Postfix counts a pipe closed before the end as a failed delivery."""
    raw = stream.read(limit + 1)
    while stream.read(1 << 20):
        pass
    return raw


@click.command("mail-ingest")
@click.option("--recipient", "recipients", multiple=True, metavar="ADRESSE",
              help="Adresse de remise (${original_recipient} de Postfix), si les en-têtes ne la portent pas.")
@with_appcontext
def mail_ingest_command(recipients: tuple[str, ...]) -> None:
    """Lit un email (RFC 5322) sur l'entrée standard et publie la réponse qu'il contient."""
    raw = _read(click.get_binary_stream("stdin"), current_app.config["INBOUND_MAX_BYTES"])
    status, line = run(raw, recipients)
    click.echo(f"mail-ingest: {line}", err=True)
    sys.exit(status)


def run(raw: bytes, recipients=()) -> tuple[int, str]:
    """Ingest ``raw`` and commit; returns (exit status, one line for the MTA's log)."""
    try:
        outcome = ingest(raw, recipients=recipients)
        if outcome.notice:
            _queue_notice(outcome)
        db.session.commit()
        return EX_OK, f"{outcome.status} ({outcome.reason}){' ' + outcome.target if outcome.target else ''}"
    except IntegrityError as error:
        # The same message, ingested by another process at the same moment: it posted, not us.
        _rollback()
        if _already_ingested(raw):
            return EX_OK, f"{DUPLICATE} (ingested concurrently)"
        return EX_TEMPFAIL, f"temporary failure ({type(error).__name__}), Postfix will retry"
    except (DBAPIError, SQLAlchemyError) as error:
        _rollback()
        return EX_TEMPFAIL, f"database unavailable ({type(error).__name__}), Postfix will retry"
    except Exception as error:  # noqa: BLE001 - whatever happens, the message stays with Postfix
        _rollback()
        return EX_TEMPFAIL, f"unexpected error ({type(error).__name__}: {str(error)[:200]}), Postfix will retry"
    finally:
        db.session.remove()


def _rollback() -> None:
    try:
        db.session.rollback()
    except SQLAlchemyError:
        pass


def _already_ingested(raw: bytes) -> bool:
    try:
        message_id = parse(raw, headers_only=True).message_id
        return db.session.scalar(select(InboundMail.id).where(InboundMail.message_id == message_id)) is not None
    except SQLAlchemyError:
        return False


def _queue_notice(outcome: Outcome) -> None:
    """Tell the member, at their own address, why their reply was refused or what it left out.
    Marked Auto-Submitted (RFC 3834) so that their mailbox's auto-reply does not answer it."""
    member, mail = outcome.member, outcome.mail
    subject = " ".join(mail.subject.split())[:150] or _l("(sans objet)")
    # Lazy: spelt out by queue_email in the member's language.
    if outcome.status == POSTED:
        title = _l("Votre réponse a été publiée sans ses pièces jointes : %(subject)s", subject=subject)
    else:
        title = _l("Votre réponse n'a pas été publiée : %(subject)s", subject=subject)
    # Someone else's text is not relayed to the member (nor anything from a message too big to read).
    text = mail.text if outcome.reason != "wrong sender" else ""
    queue_email("inbound_notice", member.email, title, kind="inbound.notice", user=member,
                headers={"Auto-Submitted": "auto-replied"}, outcome=outcome, posted=outcome.status == POSTED,
                attachments_left=mail.attachments, their_text=text)


def init_app(app) -> None:
    app.cli.add_command(mail_ingest_command)
