"""The search queue: (kind, id) pairs whose index document must be recomputed.

Rows are written in the same transaction as the change, so the index can never miss a committed
change: whatever the after-commit hook could not apply (lock held, crash) the worker applies later.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Integer, String, Text, event
from sqlalchemy.dialects.postgresql import ARRAY, TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from network_space.core.models import UTCDateTime, utcnow
from network_space.extensions import db

# PostgreSQL's own types where the PostgreSQL engine needs them; other databases get portable
# ones so that the same schema (and migration) exists everywhere.
TSVECTOR_TYPE = Text().with_variant(TSVECTOR(), "postgresql")
TEXT_LIST = JSON().with_variant(ARRAY(Text), "postgresql")


class SearchQueue(db.Model):
    __tablename__ = "search_queue"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    obj_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    __table_args__ = (db.Index("ix_search_queue_kind_obj", "kind", "obj_id"),)


class SearchDocument(db.Model):
    """One searchable object, for the PostgreSQL engine (backends/postgresql.py): written in the
    same transaction as the change, searched through ``tsv``. Empty when Whoosh is the engine,
    and on SQLite (where ``tsv`` and the lists are plain text and JSON, never written)."""

    __tablename__ = "search_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    obj_id: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    # The summary then the body: what snippets quote.
    content: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[list[str]] = mapped_column(TEXT_LIST, default=list)
    sectors: Mapped[list[str]] = mapped_column(TEXT_LIST, default=list)
    category: Mapped[str | None] = mapped_column(Text)
    subtype: Mapped[str | None] = mapped_column(Text)
    territory: Mapped[str | None] = mapped_column(Text)
    year: Mapped[str | None] = mapped_column(String(4))
    date: Mapped[datetime | None] = mapped_column(UTCDateTime())
    audience: Mapped[str] = mapped_column(String(12), default="member")
    # Weighted lexemes: title (A) > keywords (B) > content (D), French analysis with accents
    # folded before stemming (the ns_french text search configuration): what a query matches,
    # through the GIN index.
    tsv: Mapped[str] = mapped_column(TSVECTOR_TYPE, default="")
    # The same for the title, keywords and the beginning of the content only: what ranking reads
    # for every match. Small enough to stay in the table's row, where reading it costs little,
    # whereas the whole text's vector is stored apart (TOAST) and costly to read for each match.
    rank_tsv: Mapped[str] = mapped_column(TSVECTOR_TYPE, default="")

    __table_args__ = (
        db.UniqueConstraint("kind", "obj_id"),
        # Without GIN's pending list (fastupdate): every search would read that unsorted list
        # whole, and the planner, counting it, would not use the index; a document written costs
        # a little more instead.
        db.Index("ix_search_document_tsv", "tsv", postgresql_using="gin", postgresql_with={"fastupdate": "off"}),
    )


class SearchWord(db.Model):
    """The vocabulary "did you mean" picks from (PostgreSQL engine): the words of titles,
    summaries and tags, lower-cased and without accents, found again by trigram similarity."""

    __tablename__ = "search_word"

    word: Mapped[str] = mapped_column(String(100), primary_key=True)

    __table_args__ = (
        db.Index("ix_search_word_trigram", "word", postgresql_using="gin", postgresql_ops={"word": "gin_trgm_ops"}),
    )


@event.listens_for(SearchWord.__table__, "before_create")
def _create_extensions(table, connection, **kw) -> None:
    """The trigram index needs pg_trgm: created with the schema when the role may (as the
    migration does), so that create_all() works on a new PostgreSQL database."""
    if connection.dialect.name == "postgresql":
        from network_space.search.backends.postgresql import create_extensions  # local import: only on PostgreSQL

        create_extensions(connection)
