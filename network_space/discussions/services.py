"""Every write of the discussions: threads, replies, edits with their history, soft deletion,
answers to questions, moderation, read markers, categories.

Services change objects and flush; the caller (a view, the inbound email command) commits once.
Each refuses what the site refuses with a ``DiscussionError`` whose message is French and can be
shown as is, on a page or in an email back: ``post_reply(..., source="email")`` applies exactly the
checks of the reply form (member deactivated, thread closed or hidden, not allowed to view it).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import case, delete, literal, select, true, update
from sqlalchemy.dialects import postgresql, sqlite

from network_space.core.audit import audit
from network_space.core.models import utcnow
from network_space.core.numbers import fmt_number
from network_space.core.permissions import can
from network_space.core.tags import tags_named
from network_space.core.transactions import Refusal
from network_space.discussions import notices
from network_space.discussions.links import LinkError, check_links
from network_space.discussions.models import (
    KIND_DISCUSSION, KIND_LABELS, KIND_QUESTION, KIND_WRITEUP, SOURCES, DiscussionCategory, DiscussionTag,
    ReadMark, ReadState, Reply, Revision, Thread, ThreadLink, WriteUp,
)
from network_space.discussions.permissions import may_see_category, may_view, reply_refusal
from network_space.discussions.queries import visible_threads
from network_space.discussions.search import REPLY_KIND, THREAD_KIND
from network_space.extensions import db
from network_space.notifications import services as notifications
from network_space.search import enqueue

MAX_TITLE = 200
MAX_BODY = 50_000
WRITEUP_TEXTS = ("context", "what_worked", "difficulties", "advice")
WRITEUP_FIELDS = WRITEUP_TEXTS + ("buyer_id", "clause_mechanism", "sector_id", "insertion_hours", "participants",
                                  "contact")


class DiscussionError(Refusal):
    """A write the discussions refuse; the message is French, for the member (on the page, or in
    the email sent back to a reply by email)."""


@dataclass
class ThreadData:
    """What a member writes when opening or editing a thread."""

    title: str
    body: str
    category: DiscussionCategory | None = None
    kind: str = KIND_DISCUSSION
    tags: list[str] = field(default_factory=list)
    territory_id: int | None = None
    links: list[tuple[str, int]] = field(default_factory=list)
    writeup: dict | None = None  # WRITEUP_FIELDS, for a write-up


def _check_text(title: str | None, body: str, *, body_required: bool = True) -> None:
    if title is not None and not title.strip():
        raise DiscussionError(_("Indiquez un titre."), "title")
    if title is not None and any(ord(c) < 32 or 127 <= ord(c) < 160 for c in title):
        raise DiscussionError(_("Le titre tient sur une ligne : retirez les retours à la ligne."), "title")
    if title is not None and len(title) > MAX_TITLE:
        raise DiscussionError(_("Le titre fait %(n)s caractères au maximum.", n=fmt_number(MAX_TITLE)), "title")
    if body_required and not (body or "").strip():
        raise DiscussionError(_("Écrivez votre message."), "body")
    if len(body or "") > MAX_BODY:
        raise DiscussionError(_("Le message fait %(n)s caractères au maximum.", n=fmt_number(MAX_BODY)), "body")


def _check_source(source: str) -> None:
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}")


def _check_kind(kind: str, category: DiscussionCategory) -> None:
    if kind not in KIND_LABELS:
        raise DiscussionError(_("Choisissez le type de discussion."), "kind")
    if kind == KIND_WRITEUP and not category.writeups:
        raise DiscussionError(_("Les fiches retour d'expérience se publient dans une catégorie qui les accepte "
                                "(« Retours d'expérience »)."), "kind")


def _apply(thread: Thread, data: ThreadData, user) -> None:
    """Tags, territory, links and write-up fields (title and text are the caller's: they have a history)."""
    try:
        check_links(data.links, user)
    except LinkError as error:
        raise DiscussionError(str(error), "links") from None
    thread.tags = tags_named(DiscussionTag, data.tags)
    thread.territory_id = data.territory_id or None
    kept = {(link.target_type, link.target_id): link for link in thread.links}
    thread.links = [kept.get(pair) or ThreadLink(target_type=pair[0], target_id=pair[1]) for pair in data.links]
    if data.kind == KIND_WRITEUP:
        writeup = thread.writeup or WriteUp()
        for name in WRITEUP_FIELDS:
            value = (data.writeup or {}).get(name)
            setattr(writeup, name, (value or "") if name in WRITEUP_TEXTS else value)
        thread.writeup = writeup
    elif thread.writeup is not None:
        thread.writeup = None


def create_thread(author, data: ThreadData, *, source: str = "web") -> Thread:
    _check_source(source)
    category = data.category
    if category is None or not can("discussions.create", category, user=author):
        raise DiscussionError(_("Choisissez une catégorie où vous pouvez écrire."), "category_id")
    _check_text(data.title, data.body)
    _check_kind(data.kind, category)
    now = utcnow()
    thread = Thread(category=category, author_id=author.id, title=data.title.strip(), body=data.body.strip(),
                    kind=data.kind, source=source, last_activity_at=now, last_author_id=author.id,
                    created_at=now, updated_at=now)
    db.session.add(thread)
    _apply(thread, data, author)
    db.session.flush()
    _reindex(thread, replies=False)
    notifications.follow(author, thread)
    _set_read(author.id, thread.id, 0)
    notices.thread_created(thread, author)
    return thread


def update_thread(thread: Thread, editor, data: ThreadData) -> Thread:
    """Edit the opening message (title, text: kept in the history), tags, territory, links and
    write-up fields; newly mentioned members are told."""
    _check_text(data.title, data.body)
    _check_kind(data.kind, thread.category)
    if thread.is_question and data.kind != KIND_QUESTION:
        thread.answer_number = None
    previous_body = thread.body
    if data.title.strip() != thread.title or data.body.strip() != thread.body:
        db.session.add(Revision(thread_id=thread.id, reply_id=None, editor_id=editor.id, title=thread.title,
                                body=thread.body, created_at=utcnow()))
        thread.title, thread.body, thread.edited_at = data.title.strip(), data.body.strip(), utcnow()
    thread.kind = data.kind
    _apply(thread, data, editor)
    db.session.flush()
    _reindex(thread, replies=False)
    notices.mentions_added(thread, previous_body, editor)
    return thread


def post_reply(thread: Thread, author, body_markdown: str, *, source: str = "web") -> Reply:
    """Add a reply as ``author``, with the checks of the site (see the module docstring).

    The reply's number is taken by one UPDATE of the thread, which also refuses a thread closed or
    hidden meanwhile: two replies at once get two numbers, and a reply never lands in a thread
    that was just closed."""
    _check_source(source)
    refusal = reply_refusal(thread, author)
    if refusal:
        raise DiscussionError(refusal, "body")
    body = (body_markdown or "").strip()
    if not body:
        raise DiscussionError(_("Écrivez votre réponse."), "body")
    _check_text(None, body)
    now = utcnow()
    number = db.session.execute(
        update(Thread)
        .where(Thread.id == thread.id, Thread.closed.is_(False), Thread.hidden.is_(False))
        .values(last_number=Thread.last_number + 1, reply_count=Thread.reply_count + 1, last_activity_at=now,
                last_author_id=author.id)
        .returning(Thread.last_number)
        .execution_options(synchronize_session=False)
    ).scalar()
    if number is None:
        db.session.refresh(thread)
        raise DiscussionError(reply_refusal(thread, author) or _("Cette discussion ne reçoit plus de réponses."), "body")
    db.session.expire(thread, ["last_number", "reply_count", "last_activity_at", "last_author_id"])
    reply = Reply(thread_id=thread.id, thread=thread, number=number, author_id=author.id, body=body, source=source,
                  created_at=now)
    db.session.add(reply)
    db.session.flush()
    enqueue(REPLY_KIND, reply.id)
    notifications.follow(author, thread)
    _set_read(author.id, thread.id, number)
    notices.reply_posted(reply, author)
    return reply


def edit_reply(reply: Reply, editor, body: str) -> Reply:
    body = (body or "").strip()
    if not body:
        raise DiscussionError(_("Écrivez votre réponse."), "body")
    _check_text(None, body)
    if body == reply.body:
        return reply
    previous = reply.body
    db.session.add(Revision(thread_id=reply.thread_id, reply_id=reply.id, editor_id=editor.id, body=previous,
                            created_at=utcnow()))
    reply.body, reply.edited_at = body, utcnow()
    db.session.flush()
    enqueue(REPLY_KIND, reply.id)
    notices.mentions_added(reply, previous, editor)
    return reply


def delete_message(message: Thread | Reply, actor) -> None:
    """Soft deletion: "message supprimé" stays in place of the text; the text and its history
    are erased (a member who deletes what they wrote expects it gone). The thread's opening
    message keeps its title, so the replies keep their context."""
    if message.deleted:
        return
    thread = message.thread
    message.deleted_at = utcnow()
    message.deleted_by_id = actor.id
    message.body = ""
    if isinstance(message, Reply):
        db.session.execute(delete(Revision).where(Revision.reply_id == message.id))
        db.session.execute(update(Thread).where(Thread.id == thread.id)
                           .values(reply_count=Thread.reply_count - 1).execution_options(synchronize_session=False))
        db.session.expire(thread, ["reply_count"])
        if thread.answer_number == message.number:
            thread.answer_number = None
        enqueue(REPLY_KIND, message.id)
    else:
        db.session.execute(delete(Revision).where(Revision.thread_id == thread.id, Revision.reply_id.is_(None)))
        thread.writeup = None
        _reindex(thread, replies=False)
    moderated = message.author_id != actor.id
    audit("discussions.delete_moderated" if moderated else "discussions.delete",
          target=f"thread:{thread.id}#reply-{message.number}", detail=thread.title, actor=actor)


# --- questions ----------------------------------------------------------------------------------

def accept_answer(thread: Thread, reply: Reply, actor) -> None:
    if not thread.is_question:
        raise DiscussionError(_("Seule une question peut avoir une réponse retenue."))
    if reply.thread_id != thread.id or reply.deleted:
        raise DiscussionError(_("Cette réponse n'existe plus."))
    thread.answer_number = reply.number
    audit("discussions.accept", target=f"thread:{thread.id}#reply-{reply.number}", detail=thread.title, actor=actor)
    notices.answer_accepted(thread, reply, actor)


def clear_answer(thread: Thread, actor) -> None:
    if thread.answer_number is not None:
        audit("discussions.unaccept", target=f"thread:{thread.id}#reply-{thread.answer_number}", detail=thread.title,
              actor=actor)
        thread.answer_number = None


# --- moderation ---------------------------------------------------------------------------------

# action -> (attribute, value)
MODERATION = {
    "pin": ("pinned", True), "unpin": ("pinned", False),
    "close": ("closed", True), "reopen": ("closed", False),
    "hide": ("hidden", True), "unhide": ("hidden", False),
}


def moderate(thread: Thread, actor, action: str) -> None:
    """Pin, close or hide a thread (or undo it), in the audit log."""
    if action not in MODERATION:
        raise DiscussionError(_("Action de modération inconnue."))
    attribute, value = MODERATION[action]
    if getattr(thread, attribute) == value:
        return
    setattr(thread, attribute, value)
    audit(f"discussions.{action}", target=f"thread:{thread.id}", detail=thread.title, actor=actor)
    if attribute == "hidden":
        _reindex(thread, replies=True)  # who may find it changes


def move_thread(thread: Thread, actor, category: DiscussionCategory) -> None:
    if category.id == thread.category_id:
        return
    if thread.is_writeup and not category.writeups:
        raise DiscussionError(_("Une fiche retour d'expérience ne peut aller que dans une catégorie qui accepte "
                                "les fiches."), "category_id")
    if not may_see_category(actor, category):
        raise DiscussionError(_("Choisissez une catégorie existante."), "category_id")
    old = thread.category.name
    thread.category = category
    audit("discussions.move", target=f"thread:{thread.id}", detail=f"{thread.title} : {old} → {category.name}",
          actor=actor)
    _reindex(thread, replies=True)


def _reindex(thread: Thread, *, replies: bool) -> None:
    enqueue(THREAD_KIND, thread.id)
    if replies:
        for reply_id in db.session.scalars(select(Reply.id).where(Reply.thread_id == thread.id)):
            enqueue(REPLY_KIND, reply_id)


# --- reading ------------------------------------------------------------------------------------

def _insert(model):
    """The dialect's INSERT, which has ON CONFLICT DO UPDATE: two tabs of the same member (or
    two requests) reading at once never fail on the primary key."""
    return (postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert)(model)


def _upsert(model, keys: dict, values: dict, update_values: dict) -> None:
    statement = _insert(model).values(**keys, **values)
    db.session.execute(statement.on_conflict_do_update(index_elements=list(keys), set_=update_values))


def _set_read(user_id: int, thread_id: int, number: int) -> None:
    column = ReadState.__table__.c.last_number
    _upsert(ReadState, {"user_id": user_id, "thread_id": thread_id}, {"last_number": number, "read_at": utcnow()},
            {"last_number": case((column < number, number), else_=column), "read_at": utcnow()})


def mark_read(user, thread: Thread, number: int) -> None:
    """The member has seen the thread up to reply ``number``."""
    if may_view(user, thread):
        _set_read(user.id, thread.id, number)


def mark_all_read(user) -> None:
    """Every thread the member sees is read up to its last reply, as of now: a row per thread
    (one INSERT … SELECT), so that a later reply shows as the one new reply and not the whole
    thread as news; the mark covers the threads they could not see then."""
    now = utcnow()
    # WHERE true: SQLite needs a WHERE before ON CONFLICT in an INSERT … SELECT (its parser).
    threads = visible_threads(user).with_only_columns(literal(user.id), Thread.id, Thread.last_number, literal(now)) \
        .where(true())
    statement = _insert(ReadState).from_select(["user_id", "thread_id", "last_number", "read_at"], threads)
    db.session.execute(statement.on_conflict_do_update(
        index_elements=["user_id", "thread_id"],
        set_={"last_number": statement.excluded.last_number, "read_at": statement.excluded.read_at}))
    _upsert(ReadMark, {"user_id": user.id}, {"read_all_at": now}, {"read_all_at": now})


# --- categories (admin) ------------------------------------------------------------------------

def save_category(category: DiscussionCategory | None, actor, *, name: str, description: str | None,
                  coanimators_only: bool, writeups: bool, active: bool) -> DiscussionCategory:
    name = " ".join((name or "").split())
    if not name:
        raise DiscussionError(_("Indiquez un nom."), "name")
    clash = db.session.scalar(select(DiscussionCategory.id).where(
        DiscussionCategory.name == name, DiscussionCategory.id != (category.id if category else 0)))
    if clash:
        raise DiscussionError(_("Une catégorie porte déjà ce nom."), "name")
    if category is None:
        position = (db.session.scalar(select(DiscussionCategory.position).order_by(
            DiscussionCategory.position.desc()).limit(1)) or 0) + 1
        category = DiscussionCategory(position=position)
        db.session.add(category)
        action = "discussions.category_add"
    else:
        if not writeups and category.writeups and db.session.scalar(select(Thread.id).where(
                Thread.category_id == category.id, Thread.kind == KIND_WRITEUP).limit(1)):
            raise DiscussionError(_("Cette catégorie contient des fiches retour d'expérience : déplacez-les avant "
                                    "de n'y plus accepter de fiches."))
        action = "discussions.category_edit"
    # Documents in the index carry the category's name and audience.
    reindex = category.id is not None and (category.coanimators_only != coanimators_only or category.name != name)
    category.name, category.description = name, (description or "").strip() or None
    category.coanimators_only, category.writeups, category.active = coanimators_only, writeups, active
    db.session.flush()
    audit(action, target=f"discussion_category:{category.id}", detail=name, actor=actor)
    if reindex:
        for thread_id in db.session.scalars(select(Thread.id).where(Thread.category_id == category.id)):
            enqueue(THREAD_KIND, thread_id)
        for reply_id in db.session.scalars(select(Reply.id).join(Thread).where(Thread.category_id == category.id)):
            enqueue(REPLY_KIND, reply_id)
    return category
