"""Replies by email: a personal reply address in outgoing mail, and the ingestion of what comes back.

An email about an object (a discussion thread…) carries ``Reply-To: reponse+<token>@<REPLY_DOMAIN>``
(``reply_address()``). The token is signed with SECRET_KEY (itsdangerous, its own salt), names a
purpose, a member and an object, and expires after REPLY_TOKEN_MAX_AGE_DAYS; it is short enough
for the 64 characters of an address's local part. A domain registers what a purpose does with
``register_reply_handler(purpose, ReplyHandler(...))`` in its ``init_app``.

``ingest(raw)`` takes one RFC 5322 message and decides, in this order:

- auto-replies and bounces (mailtext.is_automatic): ignored, silently;
- a Message-ID already ingested: a duplicate, nothing happens again;
- no reply address, a token whose signature is wrong, an unknown purpose or member: ignored,
  silently. Nothing in such a message can be trusted, not even its sender: answering would make
  the site a source of backscatter;
- a validly signed token (even expired) names a member: the message is refused, with an
  explanation sent to *that member's own address* (never to the From of the message), when the
  From address is not theirs, their account is deactivated, the token has expired, the message
  is over INBOUND_MAX_BYTES, no text is left once quotes and signature are removed, or the
  handler refuses (a ``Refusal``: thread closed, hidden, no longer visible to them);
- otherwise the handler posts the text as the member: "posted". Attachments are not posted (the
  member is told which were left out).

Every outcome is a row of ``inbound_mail`` (its Message-ID unique: a message delivered twice
at once posts once), a log line, and, when it concerns a member, an audit entry. ``ingest``
flushes; the caller (``flask mail-ingest``, mail_ingest.py) sends the notice and commits. The rows
are kept INBOUND_RETENTION_DAYS (core/privacy.py).
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner
from sqlalchemy import ForeignKey, String, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from network_space.core.audit import audit
from network_space.core.mailtext import ParsedMail, parse
from network_space.core.models import UTCDateTime, utcnow
from network_space.core.transactions import Refusal
from network_space.extensions import db

log = logging.getLogger(__name__)

LOCAL_PART = "reponse"
_SALT = "network_space.inbound.reply-address"
_PURPOSE = re.compile(r"^[a-z]{1,8}$")
_PAYLOAD = re.compile(r"^([a-z]{1,8})-(\d{1,12})-(\d{1,12})$")

POSTED, REFUSED, IGNORED, DUPLICATE = "posted", "refused", "ignored", "duplicate"


class InboundMail(db.Model):
    """One message received by ``flask mail-ingest``, and what became of it."""

    __tablename__ = "inbound_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    sender: Mapped[str] = mapped_column(String(254))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(40))
    target: Mapped[str | None] = mapped_column(String(200))


@dataclass(frozen=True)
class ReplyToken:
    purpose: str
    user_id: int
    object_id: int
    expired: bool = False


@dataclass
class ReplyHandler:
    """What a purpose does with a reply. ``member(user_id)`` loads the member (an object with
    ``id``, ``email``, ``active``) or None; ``post(text, token, member)`` writes the reply and
    returns a short description of what was written for the log ("thread:3#reply-4"), or raises
    a ``Refusal`` whose French message is sent back; ``url(token)`` is the page where the member
    can answer on the site."""

    member: Callable[[int], Any]
    post: Callable[[str, ReplyToken, Any], str]
    url: Callable[[ReplyToken], str | None]


_handlers: dict[str, ReplyHandler] = {}


def register_reply_handler(purpose: str, handler: ReplyHandler) -> None:
    if not _PURPOSE.match(purpose):
        raise ValueError("a purpose is 1 to 8 lower-case letters (it goes into an email address)")
    _handlers[purpose] = handler


def _signer() -> TimestampSigner:
    return TimestampSigner(current_app.config["SECRET_KEY"], salt=_SALT, sep=".")


def reply_address(purpose: str, user_id: int, object_id: int) -> str | None:
    """``reponse+<token>@<REPLY_DOMAIN>`` for this member and object; None when replying by
    email is off (no REPLY_DOMAIN)."""
    domain = current_app.config["REPLY_DOMAIN"]
    if not domain:
        return None
    if purpose not in _handlers:
        raise ValueError(f"no reply handler for {purpose!r}")
    token = _signer().sign(f"{purpose}-{user_id}-{object_id}").decode("ascii")
    return f"{LOCAL_PART}+{token}@{domain}"


def read_token(addresses) -> ReplyToken | None:
    """The token of the first reply address among ``addresses``; None when there is none or its
    signature is wrong. An expired token is returned, marked expired (its signature is good: the
    member it names is known)."""
    domain = current_app.config["REPLY_DOMAIN"]
    if not domain:
        return None
    pattern = re.compile(rf"^{LOCAL_PART}\+([A-Za-z0-9_.-]+)@{re.escape(domain)}$", re.IGNORECASE)
    max_age = current_app.config["REPLY_TOKEN_MAX_AGE_DAYS"] * 86400
    for address in addresses:
        match = pattern.match(address.strip())
        if not match:
            continue
        expired = False
        try:
            value = _signer().unsign(match.group(1), max_age=max_age)
        except SignatureExpired as error:
            value, expired = error.payload, True
        except BadSignature:
            continue
        payload = _PAYLOAD.match(value.decode("ascii", "replace") if isinstance(value, bytes) else str(value))
        if payload:
            return ReplyToken(payload.group(1), int(payload.group(2)), int(payload.group(3)), expired)
    return None


@dataclass
class Outcome:
    status: str                 # posted, refused, ignored or duplicate
    reason: str                 # a short code for the log: "auto-reply subject", "expired", "closed"…
    mail: ParsedMail
    member: Any = None          # who the notice goes to, at their own address
    message: str = ""           # French: why it was refused
    url: str | None = None      # where to answer on the site
    target: str | None = None   # what was written

    @property
    def notice(self) -> bool:
        """Whether the member is told: a refusal, or a reply posted without its attachments."""
        return self.member is not None and (self.status == REFUSED or (self.status == POSTED and
                                                                       bool(self.mail.attachments)))


def ingest(raw: bytes, *, recipients=()) -> Outcome:
    """Decide what ``raw`` is and act on it (see the module docstring). Flushes; the caller commits.

    An IntegrityError on the Message-ID (the same message ingested at the same time by another
    process) propagates: the caller rolls back and reports a duplicate."""
    too_large = len(raw) > current_app.config["INBOUND_MAX_BYTES"]
    mail = parse(raw, headers_only=too_large)
    outcome = _decide(mail, too_large, list(recipients))
    if outcome.status != DUPLICATE:
        db.session.add(InboundMail(message_id=mail.message_id, sender=mail.sender[:254], status=outcome.status,
                                   reason=outcome.reason[:40], user_id=getattr(outcome.member, "id", None),
                                   target=outcome.target))
        db.session.flush()
        if outcome.member is not None:
            audit(f"inbound.{outcome.status}", target=outcome.target, actor=outcome.member,
                  detail=f"{mail.message_id} · {outcome.reason}"[:1000])
    log.info("inbound mail %s from %s: %s (%s)%s", mail.message_id, mail.sender or "?", outcome.status,
             outcome.reason, f" {outcome.target}" if outcome.target else "")
    return outcome


def _decide(mail: ParsedMail, too_large: bool, recipients: list[str]) -> Outcome:
    if mail.automatic:
        return Outcome(IGNORED, mail.automatic, mail)
    if db.session.scalar(select(InboundMail.id).where(InboundMail.message_id == mail.message_id)):
        return Outcome(DUPLICATE, "duplicate", mail)
    token = read_token(recipients + mail.recipients)
    if token is None:
        return Outcome(IGNORED, "no valid reply address", mail)
    handler = _handlers.get(token.purpose)
    member = handler.member(token.user_id) if handler else None
    if member is None:
        return Outcome(IGNORED, "unknown purpose or member", mail)

    def refused(reason: str, message: str) -> Outcome:
        return Outcome(REFUSED, reason, mail, member=member, message=message, url=handler.url(token))

    if mail.sender != (member.email or "").lower():
        return refused("wrong sender", _(
            "Une réponse à un email qui vous était adressé a été envoyée depuis l'adresse %(sender)s, qui n'est "
            "pas celle de votre compte : elle n'a pas été publiée. Répondez depuis %(address)s, ou sur le site.",
            sender=mail.sender or "?", address=member.email))
    if not member.active:
        return refused("deactivated", _("Votre compte est désactivé : votre réponse n'a pas été publiée."))
    if token.expired:
        return refused("expired", _(
            "Vous avez répondu à un email trop ancien (plus de %(days)d jours) : votre réponse n'a pas été publiée. "
            "Répondez à un email plus récent, ou sur le site.", days=current_app.config["REPLY_TOKEN_MAX_AGE_DAYS"]))
    if too_large:
        return refused("too large", _(
            "Votre message dépasse %(size)d Mo (pièces jointes comprises) : il n'a pas été publié. Renvoyez le texte "
            "seul, ou répondez sur le site.", size=max(1, current_app.config["INBOUND_MAX_BYTES"] // 1_000_000)))
    if not mail.text:
        return refused("empty", _(
            "Nous n'avons trouvé aucun texte dans votre réponse, une fois retirés le message cité et la signature : "
            "rien n'a été publié. Écrivez votre réponse au-dessus du message cité."))
    try:
        target = handler.post(mail.text, token, member)
    except Refusal as refusal:
        return refused("refused by the site", refusal.message)
    return Outcome(POSTED, "posted", mail, member=member, url=handler.url(token), target=target)


def purge_records(cutoff: datetime) -> int:
    """The records of messages received before ``cutoff`` (INBOUND_RETENTION_DAYS, longer than
    the reply addresses live: a message that old would be refused as expired anyway)."""
    return db.session.execute(delete(InboundMail).where(InboundMail.received_at < cutoff)).rowcount


def _erase(user) -> None:
    db.session.execute(delete(InboundMail).where((InboundMail.user_id == user.id) | (InboundMail.sender == user.email)))


def init_app(app) -> None:
    from network_space.core.i18n import lazy_gettext as _l

    from network_space.core.audit import register_audit_actions
    from network_space.core.privacy import BASIS_PUBLIC_TASK, Retention, register_personal_data

    register_audit_actions({
        "inbound.posted": _l("Réponse par email publiée"), "inbound.refused": _l("Réponse par email refusée"),
        "inbound.ignored": _l("Email reçu ignoré"),
    })
    register_personal_data(
        "emails_recus", _l("Réponses reçues par email"), order=26,
        data=_l("Pour chaque email reçu en réponse à un email du site : son identifiant (Message-ID), l'adresse de "
                "l'expéditeur, la date, le membre concerné et ce qu'il en est advenu (publié, refusé, ignoré). Le "
                "texte publié est une réponse de la discussion, comme une réponse écrite sur le site."),
        purpose=_l("Publier une réponse une seule fois, expliquer un refus, retrouver l'origine d'une réponse."),
        legal_basis=(BASIS_PUBLIC_TASK,),
        kept=_l("Jusqu'à l'échéance ci-dessous ; à l'effacement d'un compte, ses lignes sont supprimées."),
        erase=_erase, retentions=(Retention(_l("Emails reçus"), "INBOUND_RETENTION_DAYS", purge_records),),
    )
