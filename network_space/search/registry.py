"""Search types: how each domain's objects become index documents and who may see them."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from network_space.core.permissions import ROLE_COANIMATOR, has_role

# Keys a to_document() dict may hold (anything else is ignored):
DOCUMENT_KEYS = (
    "title", "summary", "body", "tags", "category", "subtype", "sectors", "territory", "author",
    "date", "audience",
)
AUDIENCE_MEMBERS = "member"
AUDIENCE_COANIMATORS = "coanimator"
# The fields search() filters and counts by (facets); "year" comes from "date".
FACET_FIELDS = ("category", "subtype", "tags", "sectors", "territory", "year", "kind")


def sees_every_audience(user) -> bool:
    """Co-animators get the documents of every audience, members those of AUDIENCE_MEMBERS only
    (can_view() still decides for each hit)."""
    return has_role(user, ROLE_COANIMATOR)


@dataclass(frozen=True)
class SearchType:
    kind: str
    label: Any  # lazy-translated
    model: type
    to_document: Callable[[Any], dict | None]
    can_view: Callable[[Any, Any], bool]  # (user, obj) -> bool
    url: Callable[[Any], str]
    watch: tuple[str, ...] = field(default=())
    load_options: tuple = field(default=())
    hit_options: tuple = field(default=())
    hit_title: Callable[[Any], str] | None = None


_types: dict[str, SearchType] = {}


def register_search_type(
    kind: str,
    label,
    model: type,
    to_document: Callable[[Any], dict | None],
    can_view: Callable[[Any, Any], bool],
    url: Callable[[Any], str],
    *,
    watch: Iterable[str] = (),
    load_options: Iterable = (),
    hit_options: Iterable = (),
    hit_title: Callable[[Any], str] | None = None,
) -> SearchType:
    """Declare a searchable kind. Idempotent per kind (create_app() may run several times).

    ``watch``: attribute names of ``model``; when given, any insert, delete, or change of one of
    these attributes is queued automatically at flush time, so the owning domain does not have
    to call enqueue() for the model itself (it still must for related objects, e.g. comments).
    ``load_options``: SQLAlchemy loader options (selectinload…) used when documents are built in
    bulk; ``hit_options``: those used when result objects are re-loaded for display (a results
    template reading relationships should list them here, to keep its query count fixed).
    ``hit_title``: obj -> the title a result shows, when it is not the document's (indexed) title:
    e.g. a reply shows its thread's title, which its document does not index (else every reply
    of a thread would match the thread's title words).
    """
    search_type = SearchType(kind, label, model, to_document, can_view, url, tuple(watch), tuple(load_options),
                             tuple(hit_options), hit_title)
    _types[kind] = search_type
    return search_type


def get_type(kind: str) -> SearchType | None:
    return _types.get(kind)


def all_types() -> list[SearchType]:
    return list(_types.values())


def types_for_model(model: type) -> list[SearchType]:
    return [t for t in _types.values() if isinstance(model, type) and issubclass(model, t.model)]
