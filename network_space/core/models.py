"""Base column types and mixins shared by every domain's models."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import DateTime, event, func, inspect, select
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.types import TypeDecorator

from network_space.extensions import db


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every backend.

    PostgreSQL stores ``timestamptz``; SQLite has no time zones, so the value is stored as naive
    UTC and made aware again on the way out. Naive datetimes are refused: they are always a bug.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(timezone.utc)
        if dialect.name == "sqlite":
            value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class TimestampMixin:
    """``updated_at`` moves with every change to the row or to its many-to-many collections (an
    event's organisers, an organisation's sectors): it is the version an edit form was opened on
    (core/forms.EditedRow). A service that replaces children the form edits (an organisation's
    contacts) moves it itself."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow, server_default=func.now()
    )


@event.listens_for(Session, "before_flush")
def _touch_changed_rows(session, flush_context, instances) -> None:
    # The column's onupdate fires only when a column of the row changes; a change to one of its
    # many-to-many collections alone (an association table: an event's organisers, an
    # organisation's sectors) would leave the version as it was. Children with a table of their
    # own (a resource's comments, a meeting's agenda) are not a change to the row.
    now = None
    for obj in session.dirty:
        if isinstance(obj, TimestampMixin) and _association_changed(obj):
            now = now or utcnow()
            obj.updated_at = now


def _association_changed(obj) -> bool:
    state = inspect(obj)
    # .history reads what is loaded, never loads a collection.
    return any(rel.secondary is not None and state.attrs[rel.key].history.has_changes()
               for rel in state.mapper.relationships)


def references_to(obj) -> int:
    """How many rows of any table point at ``obj`` by a foreign key: what a delete would cut or
    cascade. Read from the metadata, so a table a later domain adds is counted without being named."""
    table = type(obj).__table__
    total = 0
    for other in db.metadata.sorted_tables:
        for key in other.foreign_keys:
            if key.column.table is table:
                total += db.session.scalar(
                    select(func.count()).select_from(other).where(key.parent == getattr(obj, key.column.key))) or 0
    return total
