"""Threads and replies in the site-wide search: a thread by its title, text, tags and write-up
fields; a reply by its text, found under its thread's title and opened at its permalink. Both
are re-checked against discussions.view on every hit; those of co-animator categories and hidden
threads are marked for co-animators in the index already. Deleted messages leave the index."""
from __future__ import annotations

from flask import url_for
from sqlalchemy.orm import joinedload, selectinload

from network_space.core.i18n import lazy_gettext as _l
from network_space.discussions.models import Reply, Thread, WriteUp
from network_space.discussions.permissions import may_view
from network_space.search import register_search_type
from network_space.search.registry import AUDIENCE_COANIMATORS, AUDIENCE_MEMBERS

THREAD_KIND = "discussions.thread"
REPLY_KIND = "discussions.reply"
CATEGORY_LABEL = _l("Discussions")


def _audience(thread: Thread) -> str:
    return AUDIENCE_COANIMATORS if thread.category.coanimators_only or thread.hidden else AUDIENCE_MEMBERS


def _writeup_text(writeup: WriteUp | None) -> list[str]:
    if writeup is None:
        return []
    return [writeup.context, writeup.what_worked, writeup.difficulties, writeup.advice, writeup.contact or "",
            writeup.buyer.name if writeup.buyer else "", writeup.sector.name if writeup.sector else ""]


def thread_document(thread: Thread) -> dict:
    writeup = thread.writeup
    return {
        "title": thread.title,
        "summary": f"{thread.category.name} · {thread.kind_label}",
        "body": "\n\n".join(part for part in [thread.body] + _writeup_text(writeup) if part),
        "tags": [tag.name for tag in thread.tags],
        "category": str(CATEGORY_LABEL),
        "subtype": str(thread.kind_label),
        "sectors": [writeup.sector.name] if writeup is not None and writeup.sector else [],
        "territory": thread.territory_label,
        "author": thread.author.full_name if thread.author else "",
        "date": thread.created_at,
        "audience": _audience(thread),
    }


def reply_document(reply: Reply) -> dict | None:
    if reply.deleted:
        return None
    thread = reply.thread
    # The thread's title and category are not indexed with each reply (a search for a word of
    # the title would list every reply of the thread): the result shows them through reply_title.
    return {
        "title": "",
        "body": reply.body,
        "category": str(CATEGORY_LABEL),
        "subtype": str(_l("Réponse")),
        "territory": thread.territory_label,
        "author": reply.author.full_name if reply.author else "",
        "date": reply.created_at,
        "audience": _audience(thread),
    }


def reply_title(reply: Reply) -> str:
    return str(_l("%(title)s — réponse n° %(n)d", title=reply.thread.title, n=reply.number))


def can_view_reply(user, reply: Reply) -> bool:
    return not reply.deleted and may_view(user, reply.thread)


def thread_url(thread: Thread) -> str:
    return url_for("discussions.show", thread_id=thread.id)


def reply_url(reply: Reply) -> str:
    return url_for("discussions.permalink", thread_id=reply.thread_id, number=reply.number)


def register() -> None:
    register_search_type(
        THREAD_KIND, _l("Discussion"), Thread, thread_document, may_view, thread_url,
        load_options=(joinedload(Thread.category), joinedload(Thread.author), joinedload(Thread.territory),
                      selectinload(Thread.tags),
                      selectinload(Thread.writeup).options(joinedload(WriteUp.buyer), joinedload(WriteUp.sector))),
        hit_options=(joinedload(Thread.category),),
    )
    register_search_type(
        REPLY_KIND, _l("Réponse à une discussion"), Reply, reply_document, can_view_reply, reply_url,
        load_options=(joinedload(Reply.author), joinedload(Reply.thread).options(
            joinedload(Thread.category), joinedload(Thread.territory))),
        hit_options=(joinedload(Reply.thread).joinedload(Thread.category),), hit_title=reply_title,
    )
