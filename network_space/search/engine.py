"""Querying, whatever the engine: clean what the user typed, ask the backend for a page, keep the
facet values worth showing, and re-check every hit against the database and its type's
can_view(). The engines (backends/) parse, filter by audience and facets, rank, count,
highlight and suggest."""
from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timezone
from typing import Any, Iterable

from markupsafe import Markup
from sqlalchemy import bindparam, select

from network_space.core.statements import built_once
from network_space.extensions import db
from network_space.search.backends import get_backend
from network_space.search.registry import FACET_FIELDS, get_type

MAX_QUERY_LENGTH = 300
MAX_FACET_VALUES = 15
SORT_RELEVANCE = "relevance"
SORT_DATE = "date"


@dataclass
class Hit:
    kind: str
    label: Any
    obj: Any
    title: str
    url: str
    snippet: Markup
    date: Any
    fields: dict


@dataclass
class SearchResults:
    query: str
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    page: int = 1
    per_page: int = 20
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    suggestion: str | None = None
    available: bool = True
    sort: str = SORT_RELEVANCE

    # The attributes the pagination macro reads.
    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page)) if self.total else 0

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


_OPERATORS = r"(?:AND|OR|NOT|ET|OU|NON|SAUF|ANDNOT)"
_TRAILING_OPERATORS = re.compile(rf"(?:\s*\b{_OPERATORS})+\s*$")
_LEADING_OPERATORS = re.compile(rf"^(?:\s*{_OPERATORS}\b\s*)+")
_NEGATION = re.compile(r"\b(?:NOT|NON|SAUF|ANDNOT)\b")


def _leading(match: re.Match) -> str:
    # "SAUF logement" means all but housing: a negation first is kept, as NON; "ET x" is x.
    return "NON " if _NEGATION.search(match.group(0)) else ""


def clean_query(text: str | None) -> str:
    text = (text or "").replace("\x00", " ").strip()[:MAX_QUERY_LENGTH]
    if text.count('"') % 2:
        text = text.replace('"', " ")  # an unbalanced quote: search the words
    text = _TRAILING_OPERATORS.sub("", text).strip()
    return _LEADING_OPERATORS.sub(_leading, text).strip()


def matches_everything(text: str) -> bool:
    """An empty query, or wildcards alone: list everything, newest first."""
    return not text or text.strip("*? ") == ""


def search(
    text: str | None,
    user,
    *,
    kinds: Iterable[str] | None = None,
    facets: dict[str, Iterable[str]] | None = None,
    facet_fields: Iterable[str] = (),
    page: int = 1,
    per_page: int = 20,
    sort: str = SORT_RELEVANCE,
) -> SearchResults:
    """Search what ``user`` may see. ``kinds`` limits to some registered kinds; ``facets`` maps a
    facet field (category, subtype, tags, sectors, territory, year, kind) to the values to keep
    (values of one field are OR-ed, fields AND-ed); ``facet_fields`` are the fields whose counts
    to return. An engine that cannot answer (index missing or damaged, database not set up)
    gives ``available=False`` instead of an error."""
    text = clean_query(text)
    sort = SORT_DATE if sort == SORT_DATE or matches_everything(text) else SORT_RELEVANCE
    results = SearchResults(query=text, page=max(1, page), per_page=per_page, sort=sort)
    wanted = {name: [v.lower() if name == "tags" else v for v in values if v]
              for name, values in (facets or {}).items() if name in FACET_FIELDS}
    stored = get_backend().run(results, text, user, list(kinds or ()), {k: v for k, v in wanted.items() if v},
                               tuple(facet_fields))
    if stored is None:
        return SearchResults(query=text, page=results.page, per_page=per_page, sort=sort, available=False)
    results.facets = {name: sorted(((v, n) for v, n in counts if v), key=lambda kv: (-kv[1], kv[0]))[:MAX_FACET_VALUES]
                      for name, counts in results.facets.items()}
    results.hits = _checked_hits(stored, user)
    return results


@built_once
def _hits_statement(kind: str):
    """The objects of one kind among the hits (executed with their ``ids``)."""
    search_type = get_type(kind)
    model = search_type.model
    return select(model).where(model.id.in_(bindparam("ids", expanding=True))).options(*search_type.hit_options)


def _checked_hits(stored: list[tuple[dict, str]], user) -> list[Hit]:
    """Only hits whose object still exists and which ``user`` may see, now, in the database."""
    ids_by_kind: dict[str, list[int]] = defaultdict(list)
    for fields, _text in stored:
        ids_by_kind[fields["kind"]].append(fields["obj_id"])
    objects: dict[tuple[str, int], Any] = {}
    for kind, ids in ids_by_kind.items():
        search_type = get_type(kind)
        if search_type is None:
            continue
        # unique(): a type's hit options may join a collection (one row per tag…).
        for obj in db.session.scalars(_hits_statement(kind), {"ids": ids}).unique():
            objects[(kind, obj.id)] = obj
    hits = []
    for fields, snippet in stored:
        kind = fields["kind"]
        obj = objects.get((kind, fields["obj_id"]))
        search_type = get_type(kind)
        if obj is None or search_type is None or not search_type.can_view(user, obj):
            continue
        hits.append(Hit(
            kind=kind, label=search_type.label, obj=obj,
            title=search_type.hit_title(obj) if search_type.hit_title else fields.get("title", ""),
            url=search_type.url(obj), snippet=Markup(snippet), date=_aware(fields.get("date")), fields=fields,
        ))
    return hits


def _aware(value):
    return value.replace(tzinfo=timezone.utc) if value is not None and value.tzinfo is None else value
