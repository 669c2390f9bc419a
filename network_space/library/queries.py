"""Reads of the library: the search-backed listing with facets, choice lists, the dashboard."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import request, url_for
from flask_babel import gettext as _
from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import joinedload, load_only, selectinload

from network_space.accounts.models import User
from network_space.accounts.queries import active_territories
from network_space.accounts.welcome import Step
from network_space.core.site_settings import setting_value
from network_space.core.pagination import page_arg
from network_space.core.statements import Viewer, built_once, shape_of
from network_space.extensions import db
from network_space.library.search import SEARCH_KIND
from network_space.library.models import (
    KIND_LABELS, VISIBILITY_MEMBERS, Category, Resource, ResourceComment, ResourceVersion, Sector, Tag, resource_tag,
)
from network_space.library.permissions import visible_clause
from network_space.search.engine import SORT_DATE, SORT_RELEVANCE, search

# Query-string name -> index facet field, in display order.
FACETS = {
    "category": "category",
    "type": "subtype",
    "tag": "tags",
    "sector": "sectors",
    "territory": "territory",
    "year": "year",
}
MAX_FILTER_VALUES = 10


@dataclass
class LibraryQuery:
    q: str = ""
    sort: str = SORT_RELEVANCE
    page: int = 1
    filters: dict[str, list[str]] = field(default_factory=dict)  # query-string name -> values

    @classmethod
    def from_request(cls) -> "LibraryQuery":
        filters = {}
        for name in FACETS:
            values = [v.strip()[:120] for v in request.args.getlist(name) if v.strip()][:MAX_FILTER_VALUES]
            if values:
                filters[name] = values
        sort = request.args.get("sort", "")
        return cls(q=request.args.get("q", "", type=str)[:300], sort=SORT_DATE if sort == SORT_DATE else SORT_RELEVANCE,
                   page=page_arg(), filters=filters)

    def is_selected(self, name: str, value: str) -> bool:
        return value in self.filters.get(name, [])

    def args(self, **changes) -> dict:
        """The query-string arguments of this search, with changes (for links)."""
        args: dict = {"q": self.q} if self.q else {}
        if self.sort == SORT_DATE:
            args["sort"] = SORT_DATE
        args.update({name: list(values) for name, values in self.filters.items()})
        args.update(changes)
        return {k: v for k, v in args.items() if v not in (None, "", [])}

    def without_filters(self) -> dict:
        return self.args(**{name: None for name in FACETS}, page=None)

    def toggle(self, name: str, value: str) -> dict:
        values = list(self.filters.get(name, []))
        values = [v for v in values if v != value] if value in values else values + [value]
        return self.args(**{name: values, "page": None})


def search_library(query: LibraryQuery, user):
    facets = {FACETS[name]: values for name, values in query.filters.items()}
    return search(query.q, user, kinds=[SEARCH_KIND], facets=facets, facet_fields=tuple(FACETS.values()),
                  page=query.page, per_page=20, sort=query.sort)


def facet_label(name: str, value: str) -> str:
    if name == "type":
        return str(KIND_LABELS.get(value, value))
    return value


@built_once
def _newest_statement(role, limit: int, panel: bool):
    stmt = (select(Resource).where(visible_clause(Viewer(role)))
            .order_by(Resource.created_at.desc(), Resource.id.desc()).limit(limit))
    if panel:  # what the dashboard's panel shows, and nothing else
        return stmt.options(
            load_only(Resource.id, Resource.title, Resource.kind, Resource.created_at),
            joinedload(Resource.category).load_only(Category.name),
            joinedload(Resource.author).load_only(User.full_name))
    # The tags joined, as the search's hits (docs/developpement.md, "Listes").
    return stmt.options(joinedload(Resource.category), joinedload(Resource.author), joinedload(Resource.tags))


def newest_resources(user, limit: int = 20, *, panel: bool = False) -> list[Resource]:
    """Newest first, straight from the database (the dashboard's panel, with only the columns it
    shows, and the library while the search index is being rebuilt)."""
    return list(db.session.scalars(_newest_statement(shape_of(user), limit, panel)).unique())


def dashboard_panel(user) -> dict | None:
    """The dashboard's panel: the five newest resources the member may see."""
    resources = newest_resources(user, limit=5, panel=True)
    return {"resources": resources} if resources else None


def resource_for_page(resource_id: int) -> Resource | None:
    return db.session.scalar(
        select(Resource).where(Resource.id == resource_id).options(
            joinedload(Resource.category), joinedload(Resource.author), joinedload(Resource.territory),
            selectinload(Resource.tags), selectinload(Resource.sectors),
            selectinload(Resource.versions).joinedload(ResourceVersion.author),
            selectinload(Resource.comments).joinedload(ResourceComment.author),
        )
    )


def category_choices(include_id: int | None = None) -> list[tuple[int, str]]:
    categories = db.session.scalars(
        select(Category).where((Category.active.is_(True)) | (Category.id == (include_id or 0))).order_by(Category.position)
    )
    return [(c.id, c.name) for c in categories]


def sector_choices() -> list[tuple[int, str]]:
    return [(s.id, s.name) for s in db.session.scalars(select(Sector).where(Sector.active.is_(True)).order_by(Sector.position))]


def territory_choices() -> list[tuple[int, str]]:
    return [(0, "Tout le département")] + [(t.id, t.label) for t in active_territories()]


def popular_tags(limit: int = 30) -> list[str]:
    rows = db.session.execute(
        select(Tag.name, func.count(resource_tag.c.resource_id).label("n"))
        .join(resource_tag, resource_tag.c.tag_id == Tag.id)
        .group_by(Tag.name).order_by(func.count(resource_tag.c.resource_id).desc(), Tag.name).limit(limit)
    )
    return [row.name for row in rows]


def all_categories() -> list[Category]:
    return list(db.session.scalars(select(Category).order_by(Category.position)))


# --- the network's practical guide (a resource admins choose; a first step of new members) -----

GUIDE_SETTING = "library.guide_resource_id"


def practical_guide() -> Resource | None:
    """The resource admins chose as the guide; the setting is read in the same statement."""
    return db.session.scalar(select(Resource).where(_is_guide()))


def guide_candidates() -> list[Resource]:
    return list(db.session.scalars(select(Resource).where(Resource.visibility == VISIBILITY_MEMBERS)
                                   .order_by(Resource.title)))


def _is_guide():
    return cast(Resource.id, String) == setting_value(GUIDE_SETTING)


def guide_for(user):
    """The welcome step's question (asked with the other steps' in one statement): the guide's id
    and title, if admins chose one this member may see (library.permissions.may_view, in SQL)."""
    visible = select(Resource).where(_is_guide(), visible_clause(user))
    return (visible.with_only_columns(Resource.id).scalar_subquery(),
            visible.with_only_columns(Resource.title).scalar_subquery())


def guide_step(user, guide: tuple) -> Step | None:
    """None (no step) while admins have not chosen the guide, or when this member may not see it."""
    guide_id, title = guide
    if guide_id is None:
        return None
    return Step(_("Lire le guide pratique du réseau"), url_for("library.detail", resource_id=guide_id),
                user.guide_opened_at is not None, title)
