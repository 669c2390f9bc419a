"""Replying to a discussion from the mailbox: the personal Reply-To of the emails about a thread
(checked in the bytes the SMTP server received), then real MIME messages, built with the standard
email package as mail clients write them, fed to `flask mail-ingest`'s code (and once to the
command itself, on its standard input): posted as the member, refused with an explanation sent to
the member's own address, or ignored silently (auto-replies, bounces, forged addresses)."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from email.charset import QP, Charset
from email.message import EmailMessage
from email.mime.application import MIMEApplication
from email.mime.message import MIMEMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from pathlib import Path

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import func, select

from network_space.accounts.models import User
from network_space.core.audit import AuditEntry
from network_space.core.inbound import InboundMail, read_token, reply_address
from network_space.core.models import utcnow
from network_space.discussions import services
from network_space.discussions.models import Reply, Thread
from network_space.extensions import db
from network_space.core.mail_ingest import EX_OK, EX_TEMPFAIL, run
from network_space.notifications.models import Notification
from network_space.core.outbox import OutboxMessage, deliver_pending

DOMAIN = "reponses.example.org"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def reply_domain(app):
    saved = app.config["REPLY_DOMAIN"]
    app.config["REPLY_DOMAIN"] = DOMAIN
    yield
    app.config["REPLY_DOMAIN"] = saved


@pytest.fixture
def people(make_user, make_thread):
    """Sophie opened a question; Julien follows it by replying once."""
    sophie = make_user(full_name="Sophie Lambert", email="sophie.lambert@example.org")
    julien = make_user(full_name="Julien Moreau", email="julien.moreau@example.org")
    thread_id = make_thread(sophie, title="Heures GEIQ : on les compte ?", body="Comment comptez-vous ?")
    return sophie, julien, thread_id


def _address(app, user, thread_id) -> str:
    with app.app_context():
        return reply_address("d", user.id, thread_id)


_seq = iter(range(1, 10_000))


def _mail(part, *, sender="Sophie Lambert <sophie.lambert@example.org>", to="", subject=None, message_id=None):
    part["From"] = sender
    part["To"] = to
    part["Subject"] = subject or "Re: [Questions et entraide] Heures GEIQ : on les compte ?"
    part["Message-ID"] = message_id or f"<reply-{next(_seq)}@mail.example.org>"
    part["Date"] = "Thu, 12 Mar 2026 10:20:00 +0100"
    return part.as_bytes()


def _text(body: str, **headers) -> bytes:
    part = EmailMessage()
    part.set_content(body)
    return _mail(part, **headers)


def _ingest(app, raw: bytes) -> tuple[int, str]:
    with app.app_context():
        return run(raw)


def _replies(app, thread_id) -> list[tuple]:
    with app.app_context():
        return [(r.author_id, r.body, r.source) for r in db.session.scalars(
            select(Reply).where(Reply.thread_id == thread_id).order_by(Reply.number))]


def _outbox(app, kind="inbound.notice") -> list[OutboxMessage]:
    with app.app_context():
        rows = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)))
        db.session.expunge_all()
        return rows


def _inbound(app) -> list[tuple]:
    with app.app_context():
        return [(m.status, m.reason, m.user_id) for m in db.session.scalars(select(InboundMail).order_by(InboundMail.id))]


APPLE_MAIL_FR = ("Le 12 mars 2026 à 10:15, Julien Moreau\n<julien.moreau@example.org> a écrit :\n\n"
                 "> Nous comptons les heures du GEIQ.\n>\n> Julien\n")


# --- the Reply-To of outgoing mail ------------------------------------------------------------

def test_every_email_about_a_thread_carries_the_recipients_own_reply_address(app, smtp, people, make_user,
                                                                              make_reply):
    sophie, julien, thread_id = people
    make_reply(julien, thread_id, "Première réponse de Julien.")
    claire = make_user(full_name="Claire Petit")
    make_reply(claire, thread_id, "Et @julien.moreau, tu comptes la formation ?")
    with app.app_context():
        assert deliver_pending().sent == 3  # Sophie (twice: each reply), Julien (mention)
    raw = {(e.rcpt_tos[0], i): e.content for i, e in enumerate(smtp.envelopes)}
    addresses = {}
    for (recipient, _), content in raw.items():
        # At its rawest: one Reply-To header (unfolded as RFC 5322 says), the address as is, no encoded word.
        head = re.sub(rb"\r?\n[ \t]+", b" ", content.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0])
        [line] = [value.strip() for value in re.findall(rb"^Reply-To:(.*?)\r?$", head, re.MULTILINE)]
        assert re.fullmatch(rb"reponse\+d-\d+-\d+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+@reponses\.example\.org", line)
        assert len(line.split(b"@")[0]) <= 64  # RFC 5321 local part
        addresses.setdefault(recipient, set()).add(line.decode())
        assert "Vous pouvez aussi répondre à cet email" in \
            next(m for m in smtp.messages if m["Reply-To"] == line.decode()).get_body(("plain",)).get_content()
    with app.app_context():
        named = {recipient: {(t.purpose, t.user_id, t.object_id, t.expired) for t in map(read_token, ([a] for a in found))}
                 for recipient, found in addresses.items()}
    # Each address names its recipient and the thread (the signing second may differ between two emails).
    assert named == {sophie.email: {("d", sophie.id, thread_id, False)},
                     julien.email: {("d", julien.id, thread_id, False)}}


def test_no_reply_address_when_replying_by_email_is_off(app, smtp, people, make_reply):
    sophie, julien, thread_id = people
    app.config["REPLY_DOMAIN"] = ""
    make_reply(julien, thread_id)
    with app.app_context():
        assert deliver_pending().sent == 1
    assert not re.search(rb"^Reply-To:", smtp.envelopes[0].content, re.MULTILINE | re.IGNORECASE)
    assert "répondre à cet email" not in smtp.messages[0].get_body(("plain",)).get_content()


# --- posted -----------------------------------------------------------------------------------

def test_a_reply_from_the_mailbox_is_posted_as_the_member_with_what_a_web_reply_brings(app, smtp, people, make_user):
    sophie, julien, thread_id = people
    services_reply(app, julien, thread_id, "Nous comptons les heures du GEIQ.")
    claire = make_user(full_name="Claire Petit", email="claire.petit@example.org")
    body = ("Merci Julien, nous faisons pareil.\n\nJe mets @claire.petit dans la boucle.\n\n-- \nSophie Lambert\n"
            "Facilitatrice, CAPI\n\n" + APPLE_MAIL_FR)
    status, line = _ingest(app, _text(body, to=f"Réseau <{_address(app, sophie, thread_id)}>"))
    assert status == EX_OK and line.startswith("posted")
    text = "Merci Julien, nous faisons pareil.\n\nJe mets @claire.petit dans la boucle."
    assert _replies(app, thread_id)[-1] == (sophie.id, text, "email")
    with app.app_context():
        told = {(n.user_id, n.kind) for n in db.session.scalars(select(Notification))}
        assert (julien.id, "discussions.reply") in told  # the follower, as for a web reply
        assert (claire.id, "discussions.mention") in told
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "inbound.posted"))
        assert entry.actor_id == sophie.id and entry.target == f"thread:{thread_id}#reply-2"
    assert _inbound(app) == [("posted", "posted", sophie.id)]
    assert _outbox(app) == []  # nothing to tell Sophie: her reply is there


def services_reply(app, user, thread_id, body):
    with app.app_context():
        services.post_reply(db.session.get(Thread, thread_id), db.session.get(User, user.id), body)
        db.session.commit()


def test_quoted_printable_windows_1252_from_outlook(app, people):
    sophie, julien, thread_id = people
    charset = Charset("windows-1252")
    charset.body_encoding = QP
    body = ("L’équipe valide : 35 € de l’heure.\r\n\r\n________________________________\r\n"
            "De : Julien Moreau <julien.moreau@example.org>\r\nEnvoyé : jeudi 12 mars 2026 10:15\r\n"
            f"À : {_address(app, sophie, thread_id)}\r\nObjet : RE: Heures GEIQ\r\n\r\nNous comptons…\r\n")
    raw = _mail(MIMEText(body, "plain", charset), to=_address(app, sophie, thread_id))
    assert b"quoted-printable" in raw
    assert _ingest(app, raw)[0] == EX_OK
    assert _replies(app, thread_id)[-1][1:] == ("L’équipe valide : 35 € de l’heure.", "email")


def test_html_only_reply_with_its_quote_removed(app, people):
    sophie, julien, thread_id = people
    alternative = MIMEMultipart("alternative")
    alternative.attach(MIMEText(
        "<div dir='ltr'><p>Oui, <b>350 heures</b> sur le lot 2.</p><ul><li>maçonnerie</li><li>peinture</li></ul>"
        "</div><div class='gmail_quote'><div>Le jeu. 12 mars 2026 à 10:15, Julien a écrit :</div>"
        "<blockquote class='gmail_quote'>Combien ?</blockquote></div>", "html", "utf-8"))
    assert _ingest(app, _mail(alternative, to=_address(app, sophie, thread_id)))[0] == EX_OK
    assert _replies(app, thread_id)[-1][1] == "Oui, 350 heures sur le lot 2.\n\n- maçonnerie\n- peinture"


def test_the_same_message_delivered_twice_posts_once(app, people):
    sophie, julien, thread_id = people
    raw = _text("Une seule fois, s'il vous plaît.", to=_address(app, sophie, thread_id),
                message_id="<twice@mail.example.org>")
    assert _ingest(app, raw) == (EX_OK, f"posted (posted) thread:{thread_id}#reply-1")
    assert _ingest(app, raw) == (EX_OK, "duplicate (duplicate)")
    assert len(_replies(app, thread_id)) == 1
    assert _inbound(app) == [("posted", "posted", sophie.id)]


def test_an_attachment_is_not_posted_and_the_member_is_told(app, smtp, people):
    sophie, julien, thread_id = people
    message = MIMEMultipart("mixed")
    message.attach(MIMEText("Voici notre tableau de suivi.", "plain", "utf-8"))
    attachment = MIMEApplication(b"PK\x03\x04 not really a spreadsheet", "vnd.ms-excel")
    attachment.add_header("Content-Disposition", "attachment", filename="suivi heures 2026.xlsx")
    message.attach(attachment)
    assert _ingest(app, _mail(message, to=_address(app, sophie, thread_id)))[0] == EX_OK
    assert _replies(app, thread_id)[-1][1] == "Voici notre tableau de suivi."
    with app.app_context():
        assert deliver_pending().sent == 1
    [notice] = smtp.to(sophie.email)
    assert notice["Subject"].startswith("Votre réponse a été publiée sans ses pièces jointes")
    assert notice["Auto-Submitted"] == "auto-replied"
    text = notice.get_body(("plain",)).get_content()
    assert "Pièce jointe non publiée : suivi heures 2026.xlsx." in text


# --- refused, the member told at their own address ------------------------------------------------

def _refusal(app, smtp, member) -> str:
    """The one notice the member received; its text."""
    with app.app_context():
        assert deliver_pending().sent == 1
    [notice] = smtp.messages
    assert notice["To"] == member.email
    assert notice["Subject"].startswith("Votre réponse n'a pas été publiée : Re: [Questions et entraide]")
    assert notice["Auto-Submitted"] == "auto-replied" and notice["Reply-To"] is None
    return notice.get_body(("plain",)).get_content().replace("\r\n", "\n")


def test_a_reply_from_another_address_is_refused_and_the_member_told_not_the_sender(app, smtp, people):
    sophie, julien, thread_id = people
    raw = _text("Je réponds à la place de Sophie.", sender="Collègue <collegue@example.net>",
                to=_address(app, sophie, thread_id))
    assert _ingest(app, raw)[0] == EX_OK
    assert _replies(app, thread_id) == []
    text = _refusal(app, smtp, sophie)
    assert "collegue@example.net" in text and "n'est pas celle de votre compte" in text
    assert "Je réponds à la place de Sophie." not in text  # someone else's text is not relayed
    assert _inbound(app) == [("refused", "wrong sender", sophie.id)]
    with app.app_context():
        assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.actor_id == sophie.id)) == "inbound.refused"


def test_an_expired_address_is_refused_with_the_text_kept(app, smtp, people, monkeypatch):
    sophie, julien, thread_id = people
    ninety_one_days_ago = int(time.time()) - 91 * 86400
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: ninety_one_days_ago)
    address = _address(app, sophie, thread_id)
    monkeypatch.undo()
    assert _ingest(app, _text("Réponse tardive.", to=address))[0] == EX_OK
    assert _replies(app, thread_id) == []
    text = _refusal(app, smtp, sophie)
    assert "trop ancien (plus de 90 jours)" in text
    assert "Votre texte, pour ne rien perdre :\n\nRéponse tardive." in text
    assert f"http://localhost/discussions/{thread_id}" in text


@pytest.mark.parametrize(("moderation", "expected"), [
    ("close", "Cette discussion est fermée : elle ne reçoit plus de réponses."),
    ("hide", "Cette discussion n'existe pas ou ne vous est pas accessible."),
])
def test_a_closed_or_hidden_thread_takes_no_reply_by_email(app, smtp, people, make_user, moderation, expected):
    sophie, julien, thread_id = people
    coanimator = make_user("coanimator")
    with app.app_context():
        services.moderate(db.session.get(Thread, thread_id), db.session.get(User, coanimator.id), moderation)
        db.session.commit()
    assert _ingest(app, _text("Encore une précision.", sender=julien.email, to=_address(app, julien, thread_id)))[0] \
        == EX_OK
    assert _replies(app, thread_id) == []
    text = _refusal(app, smtp, julien)
    assert expected in text and "Encore une précision." in text


def test_a_deleted_thread_is_refused(app, smtp, people, make_user):
    sophie, julien, thread_id = people
    address = _address(app, julien, thread_id)
    with app.app_context():
        db.session.delete(db.session.get(Thread, thread_id))
        db.session.commit()
    assert _ingest(app, _text("Toujours là ?", sender=julien.email, to=address))[0] == EX_OK
    assert "Cette discussion n'existe plus." in _refusal(app, smtp, julien)


def test_a_deactivated_member_cannot_reply_by_email(app, smtp, people):
    sophie, julien, thread_id = people
    with app.app_context():
        db.session.get(User, sophie.id).active = False
        db.session.commit()
    assert _ingest(app, _text("Je suis partie.", to=_address(app, sophie, thread_id)))[0] == EX_OK
    assert _replies(app, thread_id) == []
    assert "Votre compte est désactivé" in _refusal(app, smtp, sophie)


def test_nothing_left_once_the_quote_is_removed_is_refused(app, smtp, people):
    sophie, julien, thread_id = people
    assert _ingest(app, _text("\n\n" + APPLE_MAIL_FR, to=_address(app, sophie, thread_id)))[0] == EX_OK
    assert _replies(app, thread_id) == []
    assert "aucun texte dans votre réponse" in _refusal(app, smtp, sophie)


def test_a_message_over_the_size_limit_is_refused(app, smtp, people):
    sophie, julien, thread_id = people
    app.config["INBOUND_MAX_BYTES"] = 2_000
    try:
        raw = _text("Gros message.\n" + "x" * 3_000, to=_address(app, sophie, thread_id))
        assert _ingest(app, raw)[0] == EX_OK
    finally:
        app.config["INBOUND_MAX_BYTES"] = 10_000_000
    assert _replies(app, thread_id) == []
    assert "Votre message dépasse" in _refusal(app, smtp, sophie)


# --- ignored, silently ----------------------------------------------------------------------------

def _silently_ignored(app, thread_id, reason):
    assert _replies(app, thread_id) == []
    assert _outbox(app) == []
    assert [row[:2] for row in _inbound(app)] == [("ignored", reason)]


@pytest.mark.parametrize(("headers", "subject", "reason"), [
    ({"Auto-Submitted": "auto-replied"}, None, "auto-submitted"),
    ({"X-Autoreply": "yes"}, None, "auto-reply header"),
    ({"Precedence": "bulk"}, None, "precedence"),
    ({}, "Absence du bureau : Re: [Questions et entraide] Heures GEIQ", "auto-reply subject"),
    ({}, "Réponse automatique : Re: Heures GEIQ", "auto-reply subject"),
    ({}, "Out of Office: Re: Heures GEIQ", "auto-reply subject"),
])
def test_auto_replies_are_ignored(app, people, headers, subject, reason):
    sophie, julien, thread_id = people
    part = EmailMessage()
    part.set_content("Je suis absente jusqu'au 3 janvier.")
    for name, value in headers.items():
        part[name] = value
    assert _ingest(app, _mail(part, to=_address(app, sophie, thread_id), subject=subject))[0] == EX_OK
    _silently_ignored(app, thread_id, reason)


def test_a_bounce_is_ignored(app, people):
    sophie, julien, thread_id = people
    report = MIMEMultipart("report", report_type="delivery-status")
    report.attach(MIMEText("Delivery to the following recipient failed permanently.", "plain", "utf-8"))
    returned = EmailMessage()  # the message that could not be delivered, sent back whole
    returned["From"] = "no-reply@example.org"
    returned["Reply-To"] = _address(app, sophie, thread_id)
    returned.set_content("Bonjour Sophie…")
    report.attach(MIMEMessage(returned))
    report["Return-Path"] = "<>"
    raw = _mail(report, sender="Mail Delivery System <MAILER-DAEMON@mx.example.org>",
                to=_address(app, sophie, thread_id), subject="Undelivered Mail Returned to Sender")
    assert _ingest(app, raw)[0] == EX_OK
    _silently_ignored(app, thread_id, "bounce")


@pytest.mark.parametrize("forge", ["tampered", "no address", "other domain"])
def test_a_forged_or_missing_address_is_ignored_and_answered_to_no_one(app, people, forge):
    sophie, julien, thread_id = people
    address = _address(app, sophie, thread_id)
    if forge == "tampered":  # someone guesses another thread's address
        address = address.replace(f"-{thread_id}.", f"-{thread_id + 1}.")
    elif forge == "no address":
        address = "contact@example.org"
    else:
        address = address.replace(DOMAIN, "example.net")
    assert _ingest(app, _text("Spam", to=address))[0] == EX_OK
    _silently_ignored(app, thread_id, "no valid reply address")


# --- the command itself -----------------------------------------------------------------------------

def _command(app, raw: bytes, database_url: str, *extra) -> subprocess.CompletedProcess:
    env = {**os.environ, "NS_CONFIG": "testing", "TEST_DATABASE_URL": database_url, "REPLY_DOMAIN": DOMAIN,
           "FLASK_APP": "wsgi.py", "NS_INSTANCE_DIR": app.config["DATA_DIR"]}
    flask = Path(sys.executable).with_name("flask")
    return subprocess.run([str(flask), "mail-ingest", *extra], input=raw, capture_output=True, cwd=ROOT, env=env,
                          timeout=120)


def test_flask_mail_ingest_reads_the_message_on_standard_input(app, people):
    sophie, julien, thread_id = people
    raw = _text("Envoyé par Postfix.", to="Sophie Lambert <sophie.lambert@example.org>")
    # Postfix gives the delivery address on the command line (${original_recipient}).
    result = _command(app, raw, app.config["SQLALCHEMY_DATABASE_URI"], "--recipient",
                      _address(app, sophie, thread_id))
    assert result.returncode == EX_OK, result.stderr
    assert result.stderr.decode().strip() == f"mail-ingest: posted (posted) thread:{thread_id}#reply-1"
    assert result.stdout == b""
    assert _replies(app, thread_id) == [(sophie.id, "Envoyé par Postfix.", "email")]


def test_flask_mail_ingest_asks_postfix_to_retry_when_the_database_is_down(app, people):
    from tests.helpers import free_port

    sophie, julien, thread_id = people
    raw = _text("La base est arrêtée.", to=_address(app, sophie, thread_id))
    result = _command(app, raw, f"postgresql+psycopg://ns:ns@127.0.0.1:{free_port()}/absente")
    assert result.returncode == EX_TEMPFAIL
    [line] = result.stderr.decode().strip().splitlines()  # one line, no traceback
    assert line == "mail-ingest: database unavailable (OperationalError), Postfix will retry"
    assert _replies(app, thread_id) == []


def test_several_replies_by_email_post_in_order(app, people):
    """Each message of a conversation posts once, in order."""
    sophie, julien, thread_id = people
    for n in range(3):
        assert _ingest(app, _text(f"Précision {n}.", to=_address(app, sophie, thread_id)))[0] == EX_OK
    assert [body for _, body, _ in _replies(app, thread_id)] == ["Précision 0.", "Précision 1.", "Précision 2."]
    with app.app_context():
        assert db.session.scalar(select(func.count(InboundMail.id))) == 3


def test_the_same_message_ingested_by_two_processes_at_once_posts_once(app, people, monkeypatch):
    """The other process commits the same Message-ID while this one is deciding: the unique
    constraint refuses this one's row, everything it wrote is rolled back, and it exits 0."""
    import network_space.core.inbound as inbound

    sophie, julien, thread_id = people
    raw = _text("Envoyé deux fois.", to=_address(app, sophie, thread_id), message_id="<race@mail.example.org>")
    real_read_token = inbound.read_token

    def the_other_process_was_faster(addresses):
        with db.engine.begin() as other:
            other.execute(InboundMail.__table__.insert().values(
                message_id="<race@mail.example.org>", received_at=utcnow(), sender=sophie.email, status="posted",
                reason="posted"))
        return real_read_token(addresses)

    monkeypatch.setattr(inbound, "read_token", the_other_process_was_faster)
    assert _ingest(app, raw) == (EX_OK, "duplicate (ingested concurrently)")
    assert _replies(app, thread_id) == []  # this process's reply was rolled back


def test_old_records_are_forgotten(app, people):
    from datetime import timedelta

    from network_space.core.privacy import apply_retention

    sophie, julien, thread_id = people
    _ingest(app, _text("Ancien.", to=_address(app, sophie, thread_id)))
    with app.app_context():
        apply_retention(utcnow() + timedelta(days=119))
        assert len(_inbound(app)) == 1
        apply_retention(utcnow() + timedelta(days=121))
        assert _inbound(app) == []
