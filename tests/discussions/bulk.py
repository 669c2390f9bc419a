"""Many threads and replies at once, written as plain INSERTs (the services would take minutes
for thousands): for the query-count tests and bench/discussions.py."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import insert, select

from network_space.core.models import utcnow
from network_space.discussions.models import (
    DiscussionCategory, DiscussionTag, ReadState, Reply, Revision, Thread, WriteUp, thread_tag,
)
from network_space.extensions import db


def add_threads(count: int, author_ids: list[int], reader_id: int | None = None, *, start: int = 0) -> list[int]:
    """``count`` threads across the categories members see, every kind, some tagged, pinned,
    closed, resolved, write-ups; the reader has read a third of them. Returns their ids."""
    categories = list(db.session.scalars(select(DiscussionCategory.id).where(
        DiscussionCategory.coanimators_only.is_(False)).order_by(DiscussionCategory.position)))
    writeup_category = db.session.scalar(select(DiscussionCategory.id).where(DiscussionCategory.writeups.is_(True)))
    now = utcnow()
    rows = []
    for i in range(start, start + count):
        kind = ("writeup" if i % 10 == 0 else "question" if i % 3 == 0 else "discussion")
        when = now - timedelta(minutes=i)
        rows.append(dict(
            title=f"Discussion n° {i} sur les clauses sociales", body=f"Texte de la discussion {i}, avec **Markdown**.",
            category_id=writeup_category if kind == "writeup" else categories[i % len(categories)], kind=kind,
            author_id=author_ids[i % len(author_ids)], last_author_id=author_ids[(i + 1) % len(author_ids)],
            pinned=i % 997 == 0, closed=i % 13 == 0, hidden=False, answer_number=1 if kind == "question" and i % 2 else None,
            last_number=i % 7, reply_count=i % 7, last_activity_at=when, created_at=when, updated_at=when,
            source="web"))
    db.session.execute(insert(Thread), rows)
    ids = list(db.session.scalars(select(Thread.id).order_by(Thread.id.desc()).limit(count)))[::-1]
    tag = db.session.scalar(select(DiscussionTag).where(DiscussionTag.name == "btp"))
    if tag is None:
        tag = DiscussionTag(name="btp")
        db.session.add(tag)
        db.session.flush()
    db.session.execute(insert(thread_tag), [{"thread_id": t, "tag_id": tag.id} for t in ids[::4]])
    kinds = dict(db.session.execute(select(Thread.id, Thread.kind).where(Thread.id.in_(ids))).all())
    db.session.execute(insert(WriteUp), [
        {"thread_id": t, "context": "Contexte", "what_worked": "", "difficulties": "", "advice": "",
         "clause_mechanism": "execution", "insertion_hours": 1000 + t} for t in ids if kinds[t] == "writeup"])
    if reader_id is not None:
        db.session.execute(insert(ReadState), [{"user_id": reader_id, "thread_id": t, "last_number": 2,
                                                "read_at": now} for t in ids[::3]])
    db.session.commit()
    return ids


def add_replies(thread_id: int, count: int, author_ids: list[int], mention: str = "") -> None:
    """``count`` replies to one thread, some mentioning ``mention``, some edited, some deleted."""
    now = utcnow()
    base = db.session.scalar(select(Thread.last_number).where(Thread.id == thread_id)) or 0
    rows = []
    for n in range(base + 1, base + count + 1):
        deleted = n % 50 == 0
        rows.append(dict(thread_id=thread_id, number=n, author_id=author_ids[n % len(author_ids)],
                         body="" if deleted else f"Réponse {n} : voir avec {mention} **demain**.",
                         created_at=now - timedelta(seconds=count - n), source="web",
                         edited_at=now if n % 9 == 0 else None, deleted_at=now if deleted else None))
    db.session.execute(insert(Reply), rows)
    edited = db.session.execute(select(Reply.id).where(Reply.thread_id == thread_id, Reply.edited_at.is_not(None)))
    db.session.execute(insert(Revision), [{"thread_id": thread_id, "reply_id": reply_id, "body": "Avant",
                                           "created_at": now} for (reply_id,) in edited])
    thread = db.session.get(Thread, thread_id)
    thread.last_number = base + count
    thread.reply_count = base + count - count // 50
    thread.last_activity_at = now
    db.session.commit()
