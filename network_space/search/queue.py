"""Keeping the index in step with the database.

enqueue() (or a watched attribute change) writes a SearchQueue row in the caller's transaction and
remembers the pair on the session; after that transaction commits, the hook applies the pairs to
the index with a writer lock timeout and deletes their rows. When the lock cannot be had (another
process is writing) or anything else fails, the rows stay and the worker's "search" task drains
them later: a change is never lost, and a user never sees a lock error.
"""
from __future__ import annotations

import errno
import logging
from typing import Iterable

from flask import current_app, has_app_context
from sqlalchemy import delete, event, inspect, select, tuple_
from sqlalchemy.orm import Session

from network_space.core.models import utcnow
from network_space.extensions import db
from network_space.search import index as search_index
from network_space.search.backends import get_backend
from network_space.search.documents import load_documents
from network_space.search.models import SearchQueue
from network_space.search.registry import all_types, get_type

log = logging.getLogger(__name__)

_PENDING = "search_pending"
# While a rebuild runs, changes are applied to the old index but their rows are kept, so the
# rebuild re-applies them to the new index after the swap (see cli.reindex).
_REBUILDING_FLAG = ".rebuilding"


def enqueue(kind: str, obj_id) -> None:
    """Queue (kind, id) for re-indexing, in the current transaction (the caller commits).

    ``obj_id`` may be the object itself; a new object is flushed to get its id.
    """
    if get_type(kind) is None:
        raise KeyError(f"unknown search type {kind!r}")
    if not isinstance(obj_id, int):
        if obj_id.id is None:
            db.session.flush()
        obj_id = obj_id.id
    if get_backend().queued:
        db.session.add(SearchQueue(kind=kind, obj_id=obj_id))
    db.session.info.setdefault(_PENDING, set()).add((kind, obj_id))


def _after_flush(session: Session, flush_context) -> None:
    """Queue objects of watched types that were created, deleted, or changed in a watched field."""
    types = [t for t in all_types() if t.watch]
    if not types:
        return
    pairs = set()
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        for search_type in types:
            if not isinstance(obj, search_type.model):
                continue
            if obj in session.dirty and obj not in session.deleted:
                state = inspect(obj)
                if not any(state.attrs[name].history.has_changes() for name in search_type.watch):
                    continue
            obj_id = obj.id
            if obj_id is not None:
                pairs.add((search_type.kind, obj_id))
    if pairs and (not has_app_context() or get_backend().queued):
        # Core insert: the unit of work is running, so no ORM objects may be added here.
        session.connection().execute(
            SearchQueue.__table__.insert(),
            [{"kind": kind, "obj_id": obj_id, "created_at": utcnow()} for kind, obj_id in pairs],
        )
    if pairs:
        session.info.setdefault(_PENDING, set()).update(pairs)


def _before_commit(session: Session) -> None:
    """An engine that is not queued writes the changes in the transaction itself."""
    if not has_app_context() or get_backend().queued:
        return
    session.flush()  # the last changes: their pairs are known once flushed
    pairs = session.info.pop(_PENDING, None)
    if pairs:
        get_backend().write_in_transaction(session, pairs)


def _after_commit(session: Session) -> None:
    pairs = session.info.pop(_PENDING, None)
    if not pairs or not has_app_context():
        return
    try:
        apply_pairs(pairs)
    except Exception:  # noqa: BLE001 - the change is committed; the worker retries the rows
        log.exception("search: applying the queue after commit failed; the worker will retry")


def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


def install_hooks() -> None:
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "before_commit", _before_commit)
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_soft_rollback", lambda s, t: _after_rollback(s) if t.parent is None else None)


def rebuilding() -> bool:
    return (search_index.index_path().parent / (search_index.index_path().name + _REBUILDING_FLAG)).exists()


def rebuilding_flag_path():
    path = search_index.index_path()
    return path.with_name(path.name + _REBUILDING_FLAG)


def apply_pairs(pairs: Iterable[tuple[str, int]], *, timeout: float | None = None) -> int:
    """Recompute the documents of these pairs and write them; delete their queue rows on success.

    Uses its own session: it runs after the caller's commit, when that session cannot query.
    Returns the number of pairs applied (0 when the writer lock was not obtained).
    """
    pairs = set(pairs)
    if not pairs:
        return 0
    with Session(db.engine) as session:
        rows = session.execute(
            select(SearchQueue.id, SearchQueue.kind, SearchQueue.obj_id).where(
                tuple_(SearchQueue.kind, SearchQueue.obj_id).in_(list(pairs))
            )
        ).all()
        return _apply(session, pairs, [row.id for row in rows], timeout)


def drain(limit: int = 500, *, timeout: float | None = None) -> int:
    """Apply up to ``limit`` queued rows (the worker task; also after a rebuild)."""
    with Session(db.engine) as session:
        rows = session.execute(
            select(SearchQueue.id, SearchQueue.kind, SearchQueue.obj_id).order_by(SearchQueue.id).limit(limit)
        ).all()
        if not rows:
            return 0
        return _apply(session, {(r.kind, r.obj_id) for r in rows}, [r.id for r in rows], timeout)


def pending_count() -> int:
    return db.session.scalar(select(db.func.count(SearchQueue.id))) or 0


def _apply(session: Session, pairs: set[tuple[str, int]], row_ids: list[int], timeout: float | None) -> int:
    """Write the documents of ``pairs`` to the index, then delete their queue rows and commit
    ``session`` (the queue's own, not the request's). Returns the number applied, 0 when the
    index is locked or being rebuilt (the rows stay for the worker)."""
    documents = build_documents(session, pairs)
    if timeout is None:
        timeout = current_app.config["SEARCH_LOCK_TIMEOUT"]
    if rebuilding() and search_index.open_index() is None:
        # The index was set aside (damaged) or deleted and the worker is rebuilding it: an empty
        # index created here would show as complete; the rebuild applies these rows.
        log.info("search: the index is being rebuilt; %d change(s) left for it", len(pairs))
        return 0
    try:
        ix = search_index.open_or_create_index()
        if ix is None:
            log.info("search: the index is being rebuilt for a new schema; %d change(s) left for it", len(pairs))
            return 0
        try:
            writer = ix.writer(timeout=timeout, delay=0.05, **search_index.writer_options())
        except search_index.LockError:
            log.info("search: index locked by another process; %d change(s) left for the worker", len(pairs))
            return 0
        try:
            for (kind, obj_id), fields in documents.items():
                if fields is None:
                    writer.delete_by_term("uid", f"{kind}:{obj_id}")
                else:
                    writer.update_document(**fields)
            writer.commit()
        except BaseException:
            search_index.abandon(writer)
            raise
    except Exception as error:
        # The rows stay for the worker. A full disk leaves the index as it was (Whoosh writes the
        # new segment before the table of contents); anything else means it cannot be trusted.
        if getattr(error, "errno", None) not in (errno.ENOSPC, errno.EDQUOT):
            search_index.mark_damaged(error)
        raise
    if row_ids and not rebuilding():
        session.execute(delete(SearchQueue).where(SearchQueue.id.in_(row_ids)))
        session.commit()
    return len(pairs)


def build_documents(session: Session, pairs: set[tuple[str, int]]) -> dict[tuple[str, int], dict | None]:
    """The index fields for each pair, or None when the object is gone or not indexable."""
    return {pair: search_index.to_fields(document) if document is not None else None
            for pair, document in load_documents(session, pairs).items()}
