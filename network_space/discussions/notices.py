"""What the discussions tell members, through notify() and each member's channel for the
"Discussions" category (immediate email, digest, site only or nothing):

- a reply in a thread they follow (its author follows it, and so does everyone who replied);
- a new thread in a category they follow;
- a mention (@prenom.nom) in a new or edited message: told once, by that notice only;
- their reply chosen as the answer to a question.

Every recipient may view the thread at the time (a hidden thread or a co-animators' category
tells no one else). The emails carry the message itself, so it can be read (and, with the
inbound mail command, answered) from the mailbox; their subjects are made here, the same for
every message of a thread ("Re: …"), and a References header groups them in mail clients.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select

from network_space.accounts.models import User
from network_space.core.i18n import lazy_gettext as _l
from network_space.core.inbound import reply_address
from network_space.core.markdown import markdown_text
from network_space.discussions.mentions import mentioned_ids
from network_space.discussions.permissions import may_view
from network_space.extensions import db
from network_space.notifications import services as notifications
from network_space.notifications.registry import register_kind

KIND_REPLY = "discussions.reply"
KIND_NEW_THREAD = "discussions.new_thread"
KIND_MENTION = "discussions.mention"
KIND_ANSWER = "discussions.answer"
EMAIL_TEMPLATE = "discussion_message"


# The purpose of the discussions' reply addresses (core/inbound.py); discussions/inbound.py posts
# what comes back.
REPLY_PURPOSE = "d"


def reply_to_headers(thread):
    """``headers_for`` of notify(): each recipient's own Reply-To for ``thread`` (none when
    replying by email is off)."""
    def headers(user) -> dict[str, str]:
        address = reply_address(REPLY_PURPOSE, user.id, thread.id)
        return {"Reply-To": address} if address else {}
    return headers


def register() -> None:
    register_kind(KIND_REPLY, _l("Réponse dans une discussion suivie"), "discussions", email_template=EMAIL_TEMPLATE)
    register_kind(KIND_MENTION, _l("Vous êtes mentionné·e"), "discussions", email_template=EMAIL_TEMPLATE)
    register_kind(KIND_NEW_THREAD, _l("Nouvelle discussion dans une catégorie suivie"), "discussions",
                  email_template=EMAIL_TEMPLATE)
    register_kind(KIND_ANSWER, _l("Votre réponse a été retenue"), "discussions", email_template=EMAIL_TEMPLATE)


def thread_subject(thread, *, reply: bool) -> str:
    """The subject of every email about ``thread``: "[Catégorie] Titre", "Re: " for what follows
    the opening message, so that a mailbox shows one conversation."""
    subject = f"[{thread.category.name}] {thread.title}"
    return f"Re: {subject}" if reply else subject


def thread_headers(thread) -> dict[str, str]:
    """Headers that group a thread's emails in mail clients (the same reference for all)."""
    host = urlsplit(current_app.config["SITE_URL"]).hostname or "localhost"
    reference = f"<discussion-{thread.id}@{host}>"
    return {"References": reference, "In-Reply-To": reference}


def _readers(users, thread, *, exclude=()) -> list:
    excluded = {getattr(u, "id", u) for u in exclude}
    return [u for u in users if u.id not in excluded and may_view(u, thread)]


def _users(ids) -> list:
    ids = list(ids)
    if not ids:
        return []
    return list(db.session.scalars(select(User).where(User.id.in_(ids), User.active.is_(True))))


def _send(kind: str, recipients, message, actor, *, reply: bool) -> None:
    thread = message.thread
    if not recipients:
        return
    notifications.notify(kind, recipients, message, actor=actor, subject=thread_subject(thread, reply=reply),
                         headers=thread_headers(thread), headers_for=reply_to_headers(thread),
                         reply_by_email=bool(current_app.config["REPLY_DOMAIN"]), message=_excerpt(message.body),
                         category_name=thread.category.name)


def _excerpt(body: str, length: int = 280) -> str:
    """The message's own words, as read (no Markdown marks), before what it quotes."""
    text = markdown_text(body, quotes=False) or markdown_text(body)
    return text if len(text) <= length else text[:length].rsplit(" ", 1)[0] + " …"


def thread_created(thread, author) -> None:
    mentioned = _readers(_users(mentioned_ids(thread.body)), thread, exclude=[author])
    _send(KIND_MENTION, mentioned, thread, author, reply=False)
    followers = _readers(notifications.followers_of(thread.category), thread, exclude=[author, *mentioned])
    _send(KIND_NEW_THREAD, followers, thread, author, reply=False)


def reply_posted(reply, author) -> None:
    thread = reply.thread
    mentioned = _readers(_users(mentioned_ids(reply.body)), thread, exclude=[author])
    _send(KIND_MENTION, mentioned, reply, author, reply=True)
    followers = _readers(notifications.followers_of(thread), thread, exclude=[author, *mentioned])
    _send(KIND_REPLY, followers, reply, author, reply=True)


def mentions_added(message, previous_body: str, editor) -> None:
    """After an edit: members mentioned now and not before are told (the others already were)."""
    before = set(mentioned_ids(previous_body))
    added = [user_id for user_id in mentioned_ids(message.body) if user_id not in before]
    recipients = _readers(_users(added), message.thread, exclude=[editor, message.author_id])
    _send(KIND_MENTION, recipients, message, editor, reply=message.number > 0)


def answer_accepted(thread, reply, actor) -> None:
    if reply.author is None or reply.author_id == actor.id:
        return
    _send(KIND_ANSWER, _readers([reply.author], thread), reply, actor, reply=True)
