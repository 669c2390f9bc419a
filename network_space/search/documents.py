"""What every backend indexes: the registered types' documents, loaded and normalised once.

A type's ``to_document(obj)`` dict becomes a ``Document`` here (derived fields, cleaned lists,
aware UTC dates), so that the backends index the same things and differ only in how they store
them. This module imports no engine.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date as date_type, datetime, timezone
from typing import Iterable, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from network_space.search.registry import AUDIENCE_MEMBERS, all_types, get_type

# Objects read per query when documents are built in bulk (a rebuild): memory stays flat.
BATCH = 200


@dataclass(frozen=True)
class Document:
    kind: str
    obj_id: int
    title: str
    summary: str
    # The running text searched and quoted in snippets: the summary, then the body.
    content: str
    # Short labels worth more than running text: tags, sectors, category, territory, author.
    keywords: str
    tags: tuple[str, ...]  # lower-cased: tags are facet values compared without case
    sectors: tuple[str, ...]
    category: str | None
    subtype: str | None
    territory: str | None
    date: datetime | None  # aware, UTC
    year: str | None
    audience: str
    # The words "did you mean" may suggest: titles, summaries and tags, words people remember.
    spell: str

    @property
    def uid(self) -> str:
        return f"{self.kind}:{self.obj_id}"


def _labels(values) -> tuple[str, ...]:
    # A comma would split a value in an engine that stores lists as text.
    return tuple(v.strip().replace(",", " ") for v in values or () if v and v.strip())


def _utc(value) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, datetime):  # a plain date
        value = datetime(value.year, value.month, value.day) if isinstance(value, date_type) else value
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def make_document(kind: str, obj_id: int, document: dict) -> Document:
    """A type's to_document() dict as a Document (keys it does not know are ignored)."""
    title = document.get("title") or ""
    summary = document.get("summary") or ""
    body = document.get("body") or ""
    tags = tuple(t.lower() for t in _labels(document.get("tags")))
    sectors = _labels(document.get("sectors"))
    author = document.get("author") or ""
    when = _utc(document.get("date"))

    def label(key):
        value = document.get(key)
        return str(value) if value else None

    return Document(
        kind=kind, obj_id=obj_id, title=title, summary=summary,
        content="\n\n".join(part for part in (summary, body) if part),
        keywords=" ".join(list(tags) + list(sectors) + [label("category") or "", label("territory") or "", author]),
        tags=tags, sectors=sectors, category=label("category"), subtype=label("subtype"),
        territory=label("territory"), date=when, year=str(when.year) if when else None,
        audience=document.get("audience") or AUDIENCE_MEMBERS,
        spell=" ".join([title, summary, " ".join(tags)]),
    )


def load_documents(session: Session, pairs: Iterable[tuple[str, int]]) -> dict[tuple[str, int], Document | None]:
    """The document of each (kind, id), or None when the object is gone, not indexable, or of a
    kind no longer registered. Objects are read through ``session``, a kind at a time."""
    by_kind: dict[str, list[int]] = defaultdict(list)
    for kind, obj_id in pairs:
        by_kind[kind].append(obj_id)
    documents: dict[tuple[str, int], Document | None] = {}
    for kind, ids in by_kind.items():
        search_type = get_type(kind)
        objects = {}
        if search_type is not None:
            model = search_type.model
            objects = {obj.id: obj for obj in session.scalars(
                select(model).where(model.id.in_(ids)).options(*search_type.load_options))}
        for obj_id in ids:
            obj = objects.get(obj_id)
            raw = search_type.to_document(obj) if obj is not None else None
            documents[(kind, obj_id)] = make_document(kind, obj_id, raw) if raw is not None else None
    return documents


def id_batches(session: Session) -> Iterator[tuple[str, list[int]]]:
    """The ids of every registered object, a kind and a batch at a time (keyset batches: memory
    stays flat whatever the number of objects). A rebuild loads each batch's documents itself."""
    for search_type in all_types():
        model = search_type.model
        last_id = 0
        while True:
            ids = list(session.scalars(select(model.id).where(model.id > last_id).order_by(model.id).limit(BATCH)))
            if not ids:
                break
            yield search_type.kind, ids
            last_id = ids[-1]
