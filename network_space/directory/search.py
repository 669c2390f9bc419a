"""Organisations in the site-wide search (kind "directory.organisation"), and the full-text
part of the /directory/ filters. Internal notes are never indexed."""
from __future__ import annotations

from flask import url_for
from sqlalchemy.orm import selectinload

from network_space.core.i18n import lazy_gettext as _l
from network_space.core.permissions import can
from network_space.directory.models import Organisation
from network_space.search import enqueue, register_search_type, search

SEARCH_KIND = "directory.organisation"
# The directory's text search asks the index for at most this many matches, then filters them
# in SQL; beyond it the list shows the best-ranked ones.
MAX_TEXT_MATCHES = 1000


def organisation_document(org: Organisation) -> dict:
    contacts = " ".join(" ".join(filter(None, [c.name, c.role])) for c in org.contacts)
    return {
        "title": org.name,
        "summary": " · ".join(filter(None, [org.trade_name, org.kind.name, org.commune,
                                            None if org.active else str(_l("archivée"))])),
        "body": "\n".join(filter(None, [
            org.description, contacts, ", ".join(s.name for s in org.sectors), ", ".join(org.service_labels),
            ", ".join(t.name for t in org.served_territories),
            str(_l("Tout le département")) if org.whole_departement else "",
            org.siret, org.postcode,
        ])),
        "category": org.kind.group_label,
        "subtype": org.kind.name,
        "sectors": [s.name for s in org.sectors],
        "territory": org.territory.label if org.territory else "",
        "date": org.updated_at,
    }


def can_view_organisation(user, org: Organisation) -> bool:
    return can("directory.view", org, user=user)


def organisation_url(org: Organisation) -> str:
    return url_for("directory.show", organisation_id=org.id)


def register() -> None:
    register_search_type(
        SEARCH_KIND, _l("Organisation partenaire"), Organisation, organisation_document, can_view_organisation,
        organisation_url,
        load_options=(selectinload(Organisation.kind), selectinload(Organisation.territory),
                      selectinload(Organisation.contacts), selectinload(Organisation.served_territories),
                      selectinload(Organisation.services), selectinload(Organisation.sectors)),
        hit_options=(selectinload(Organisation.kind),),
    )


def enqueue_organisation(org: Organisation) -> None:
    enqueue(SEARCH_KIND, org)


def matching_ids(text: str, user) -> list[int] | None:
    """Ids of the organisations matching ``text`` in the index, or None when the index is
    unavailable (missing, being rebuilt): the caller then falls back to a plain SQL match."""
    results = search(text, user, kinds=[SEARCH_KIND], per_page=MAX_TEXT_MATCHES)
    if not results.available:
        return None
    return [hit.obj.id for hit in results.hits]
