"""How a resource becomes a search document (title, summary, note, link, file text, comments)."""
from __future__ import annotations

from flask import url_for
from sqlalchemy.orm import defer, joinedload, selectinload, undefer

from network_space.core.i18n import lazy_gettext as _l
from network_space.library.models import VISIBILITY_COANIMATORS, Resource, ResourceVersion
from network_space.library.permissions import may_view
from network_space.search import register_search_type
from network_space.search.registry import AUDIENCE_COANIMATORS, AUDIENCE_MEMBERS

SEARCH_KIND = "library.resource"
WHOLE_DEPARTEMENT = "Tout le département"


def to_document(resource: Resource) -> dict:
    latest = resource.latest_version
    parts = [resource.body or "", resource.url or ""]
    if latest is not None and latest.text:
        parts.append(latest.text)
    parts.extend(comment.body for comment in resource.comments)
    return {
        "title": resource.title,
        "summary": resource.summary or "",
        "body": "\n\n".join(p for p in parts if p),
        "tags": [tag.name for tag in resource.tags],
        "category": resource.category.name if resource.category else "",
        "subtype": resource.kind,
        "sectors": [sector.name for sector in resource.sectors],
        "territory": resource.territory.label if resource.territory else WHOLE_DEPARTEMENT,
        "author": resource.author.full_name if resource.author else "",
        "date": resource.created_at,
        "audience": AUDIENCE_COANIMATORS if resource.visibility == VISIBILITY_COANIMATORS else AUDIENCE_MEMBERS,
    }


def resource_url(resource: Resource) -> str:
    return url_for("library.detail", resource_id=resource.id)


# Loaded with each hit: what the result list shows (not the file texts nor a note's text); the tags
# joined (docs/developpement.md, "Listes").
HIT_OPTIONS = (joinedload(Resource.category), joinedload(Resource.author), joinedload(Resource.tags),
               defer(Resource.body))
# Loaded to build documents: everything to_document() reads, in a fixed number of queries.
DOCUMENT_OPTIONS = (
    joinedload(Resource.category), joinedload(Resource.author), joinedload(Resource.territory),
    selectinload(Resource.tags), selectinload(Resource.sectors), selectinload(Resource.comments),
    selectinload(Resource.versions).options(undefer(ResourceVersion.text)),
)


def register() -> None:
    register_search_type(
        SEARCH_KIND, _l("Ressource"), Resource, to_document, may_view, resource_url,
        watch=("title", "summary", "body", "url", "category_id", "visibility", "territory_id", "kind",
               "author_id", "tags", "sectors"),
        load_options=DOCUMENT_OPTIONS, hit_options=HIT_OPTIONS,
    )
