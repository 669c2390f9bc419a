"""Reads of the directory: the filters of /directory/ (which combine), their counts, the list."""
from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace

from flask_babel import gettext as _
from sqlalchemy import Integer, String, bindparam, cast, func, literal_column, null, or_, select, union_all
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.datastructures import MultiDict

from network_space.accounts.models import Territory
from network_space.core.http import int_value
from network_space.core.statements import built_once
from network_space.directory.models import (
    KIND_GROUPS,
    RESERVED_CONTRACTS,
    SERVICE_TYPES,
    Organisation,
    OrganisationKind,
    OrganisationService,
    organisation_sector,
    organisation_territory,
    service_labels,
)
from network_space.directory.search import matching_ids
from network_space.extensions import db
from network_space.library.models import Sector

STATUSES = ("active", "archived", "all")
SLUG_RE = re.compile(r"^[a-z0-9-]{1,60}$")
MAX_QUERY_LENGTH = 200


@dataclass(frozen=True)
class DirectoryFilters:
    q: str = ""
    kind: str | None = None  # slug
    group: str | None = None
    sector: int | None = None
    service: str | None = None
    territory: int | None = None
    reserved: str | None = None
    status: str = "active"
    # Ids matching ``q`` in the search index; None: not looked up, or the index is unavailable.
    text_ids: tuple[int, ...] | None = field(default=None, compare=False)

    @classmethod
    def from_args(cls, args: MultiDict) -> "DirectoryFilters":
        """Read the query string defensively: anything unknown is ignored, never an error."""
        group = args.get("group")
        service = args.get("service")
        reserved = args.get("reserved")
        status = args.get("status")
        kind = (args.get("kind") or "").strip()[:60]
        # Control characters (NUL above all: PostgreSQL refuses it in text) never reach SQL.
        q = "".join(c for c in (args.get("q") or "") if c.isprintable() or c.isspace())
        return cls(
            q=" ".join(q.split())[:MAX_QUERY_LENGTH],
            kind=kind if SLUG_RE.match(kind) else None,
            group=group if group in KIND_GROUPS else None,
            sector=int_value(args.get("sector")),
            service=service if service in SERVICE_TYPES else None,
            territory=int_value(args.get("territory")),
            reserved=reserved if reserved in RESERVED_CONTRACTS else None,
            status=status if status in STATUSES else "active",
        )

    def with_text_matches(self, user) -> "DirectoryFilters":
        """Resolve ``q`` through the site-wide search index (stemmed French, contacts, sectors…)."""
        if not self.q:
            return self
        ids = matching_ids(self.q, user)
        return replace(self, text_ids=None if ids is None else tuple(ids))

    def to_args(self, **changes) -> dict:
        """The query string for these filters with some changed (None or "" drops a filter). The
        list's facets call it for each of their ~60 options: the changes are read beside the
        fields, without building new filters."""
        if not changes.keys() <= QUERY_FIELDS:
            raise TypeError(f"not a filter: {', '.join(changes.keys() - QUERY_FIELDS)}")
        args = {}
        for name in QUERY_FIELDS:
            value = changes[name] if name in changes else getattr(self, name)
            if value not in (None, "") and not (name == "status" and value == "active"):
                args[name] = value
        return args

    @property
    def active_count(self) -> int:
        return sum(1 for key in self.to_args() if key != "q")

    @property
    def shape(self) -> tuple:
        """What of these filters shapes the list's statements, built once per shape
        (core/statements.py): which filters are set, and the two that choose a column or a condition
        (reserved, status). The other values are bound at execution (``values``)."""
        return (bool(self.q), self.text_ids is not None, bool(self.kind), bool(self.group), bool(self.sector),
                bool(self.service), bool(self.territory), self.reserved, self.status)

    @property
    def values(self) -> dict:
        return {"pattern": f"%{_escape_like(self.q)}%", "text_ids": list(self.text_ids or ()), "kind": self.kind,
                "group": self.group, "sector": self.sector, "service": self.service, "territory": self.territory}


# The filters a query string carries, in the order it writes them (a dict keeps its keys' order).
QUERY_FIELDS = {f.name: None for f in fields(DirectoryFilters) if f.name != "text_ids"}.keys()


def _conditions(shape: tuple, skip: str | None = None) -> list:
    """SQL conditions of every filter set in ``shape`` but ``skip`` (for that filter's counts), their
    values bound (DirectoryFilters.values)."""
    q, text_ids, kind, group, sector, service, territory, reserved, status = shape
    conds = []
    if q and skip != "q":
        conds.append(Organisation.id.in_(bindparam("text_ids", expanding=True)) if text_ids
                     else _text_condition(bindparam("pattern")))
    if kind and skip != "kind":
        conds.append(Organisation.kind.has(OrganisationKind.slug == bindparam("kind")))
    if group and skip != "group":
        conds.append(Organisation.kind.has(OrganisationKind.group == bindparam("group")))
    if sector and skip != "sector":
        conds.append(Organisation.sectors.any(Sector.id == bindparam("sector")))
    if service and skip != "service":
        conds.append(Organisation.services.any(OrganisationService.code == bindparam("service")))
    if territory and skip != "territory":
        # An organisation serving the whole département serves every territory.
        conds.append(or_(Organisation.whole_departement.is_(True),
                         Organisation.served_territories.any(Territory.id == bindparam("territory"))))
    if reserved and skip != "reserved":
        conds.append(getattr(Organisation, f"reserved_{reserved}").is_(True))
    if skip != "status":
        if status == "active":
            conds.append(Organisation.active.is_(True))
        elif status == "archived":
            conds.append(Organisation.active.is_(False))
    return conds


def _text_condition(pattern):
    """The fallback when the search index is unavailable: a plain match on names and commune."""
    return or_(
        Organisation.name.ilike(pattern, escape="\\"),
        Organisation.trade_name.ilike(pattern, escape="\\"),
        Organisation.commune.ilike(pattern, escape="\\"),
    )


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@built_once
def organisations_query(shape: tuple, *, export: bool = False):
    """The list of organisations of these filters (``DirectoryFilters.shape``, executed with its
    ``values``) with their kind and territory; with ``export``, everything the exports write (served
    territories, services, sectors, contacts). The list page reads the first three as rows
    (list_details)."""
    query = (
        select(Organisation)
        .where(*_conditions(shape))
        .order_by(func.lower(Organisation.name), Organisation.id)
        .options(joinedload(Organisation.kind), joinedload(Organisation.territory))
    )
    if not export:
        return query
    return query.options(selectinload(Organisation.served_territories), selectinload(Organisation.services),
                         selectinload(Organisation.sectors), selectinload(Organisation.contacts))


@dataclass
class ListDetails:
    """What a line of the list shows of an organisation's served territories, sectors and services."""
    territories: list[str] = field(default_factory=list)  # labels, by name
    sectors: list[str] = field(default_factory=list)  # names, in the usual order
    services: list[str] = field(default_factory=list)  # codes

    @property
    def service_labels(self) -> list[str]:
        return service_labels(self.services)


@built_once
def _details_statement():
    """One statement for the three collections of the listed organisations: as rows, they cost a
    twentieth of what three ORM eager loads cost (each builds its statement and its cache key anew,
    then makes an object per row): ~0.5 ms instead of ~4 ms for a page of 25."""
    ids = bindparam("ids", expanding=True)
    territories = (select(organisation_territory.c.organisation_id.label("organisation_id"), _part("territories"),
                          Territory.label.label("label"), literal_column("0").label("position"),
                          Territory.name.label("sort_name"))
                   .join(Territory, Territory.id == organisation_territory.c.territory_id)
                   .where(organisation_territory.c.organisation_id.in_(ids)))
    sectors = (select(organisation_sector.c.organisation_id, _part("sectors"), Sector.name, Sector.position,
                      Sector.name)
               .join(Sector, Sector.id == organisation_sector.c.sector_id)
               .where(organisation_sector.c.organisation_id.in_(ids)))
    services = (select(OrganisationService.organisation_id, _part("services"), OrganisationService.code,
                       literal_column("0"), OrganisationService.code)
                .where(OrganisationService.organisation_id.in_(ids)))
    # The relationships' own orders (models.py): territories by name, sectors by position then name.
    return union_all(territories, sectors, services).order_by(literal_column("position"), literal_column("sort_name"))


def list_details(organisations: list[Organisation]) -> dict[int, ListDetails]:
    """{organisation id: ListDetails} for a page of the list."""
    details = {org.id: ListDetails() for org in organisations}
    if details:
        for org_id, part, label, _position, _sort in db.session.execute(_details_statement(), {"ids": list(details)}):
            getattr(details[org_id], part).append(label)
    return details


@dataclass
class Facet:
    name: str
    label: str
    options: list[tuple[str, str, int]]  # (value, label, count)


# The filters' counts and their lists of values (kinds, sectors, territories) come from one
# statement, a UNION of parts whose rows are (part, value, label, number): a count part's number
# is how many organisations the value gives (no label); a choice part lists a reference table,
# its number the value's rank in the usual order.

def _part(name: str):
    """The part a row comes from, written inline (PostgreSQL cannot type a bare parameter in a UNION)."""
    return literal_column(f"'{name}'").label("part")


def _count_parts(shape: tuple) -> list:
    # count(*), not count(distinct organisation.id): no part's join can repeat an organisation
    # within a value (kinds are many-to-one, and each association's primary key holds the
    # organisation with the value: organisation_sector, organisation_territory,
    # organisation_service), and the filters are EXISTS conditions. PostgreSQL then counts in a
    # hash instead of sorting each part's rows (the facets took half the time of the list's
    # statements).
    org_id = func.count()

    def counted(part: str, key, skip: str, *conditions):
        stmt = (select(_part(part), cast(key, String).label("value"), null().label("label"), org_id.label("number"))
                .select_from(Organisation).where(*_conditions(shape, skip=skip), *conditions))
        return stmt.group_by(key) if key is not None else stmt

    return [
        counted("kind", OrganisationKind.slug, "kind").join(Organisation.kind),
        counted("group", OrganisationKind.group, "group").join(Organisation.kind),
        counted("service", OrganisationService.code, "service").join(Organisation.services),
        counted("sector", organisation_sector.c.sector_id, "sector")
        .join(organisation_sector, organisation_sector.c.organisation_id == Organisation.id),
        counted("territory_everywhere", None, "territory", Organisation.whole_departement.is_(True)),
        counted("territory", organisation_territory.c.territory_id, "territory", Organisation.whole_departement.is_(False))
        .join(organisation_territory, organisation_territory.c.organisation_id == Organisation.id),
        *[counted(f"reserved_{key}", None, "reserved", getattr(Organisation, f"reserved_{key}").is_(True))
          for key in RESERVED_CONTRACTS],
        counted("status", cast(Organisation.active, Integer), "status"),
    ]


def _choice_parts() -> list:
    def ranked(part: str, key, label, *order):
        return select(_part(part), cast(key, String).label("value"), label.label("label"),
                      func.row_number().over(order_by=order).label("number"))

    return [
        ranked("choices_kind", OrganisationKind.slug, OrganisationKind.name, OrganisationKind.position,
               OrganisationKind.name),
        ranked("choices_sector", Sector.id, Sector.name, Sector.position, Sector.name).where(Sector.active.is_(True)),
        ranked("choices_territory", Territory.id, Territory.name, Territory.name).where(Territory.active.is_(True)),
    ]


def _counts(parts: dict[str, dict]) -> dict[str, dict]:
    counts: dict[str, dict] = {name: {value: n for value, (_label, n) in parts.get(name, {}).items()}
                               for name in ("kind", "group", "service", "sector", "territory", "status")}
    counts["sector"] = {int(value): n for value, n in counts["sector"].items()}
    everywhere = sum(n for _label, n in parts.get("territory_everywhere", {}).values())
    counts["territory"] = {int(value): n + everywhere for value, n in counts["territory"].items()}
    counts["territory_everywhere"] = everywhere
    counts["reserved"] = {key: sum(n for _label, n in parts.get(f"reserved_{key}", {}).values())
                          for key in RESERVED_CONTRACTS}
    by_active = counts["status"]
    counts["status"] = {"active": by_active.get("1", 0), "archived": by_active.get("0", 0),
                        "all": sum(by_active.values())}
    return counts


@built_once
def _facets_statement(shape: tuple, choices: bool):
    return union_all(*_count_parts(shape), *(_choice_parts() if choices else ()))


def _run(filters: DirectoryFilters, choices: bool) -> dict[str, dict]:
    """{part: {value: (label, number)}}, each part's values in the order of their number."""
    result: dict[str, dict] = {}
    rows = db.session.execute(_facets_statement(filters.shape, choices), filters.values).all()
    for part, value, label, number in sorted(rows, key=lambda r: r.number):
        result.setdefault(part, {})[value] = (label, number)
    return result


def facet_counts(filters: DirectoryFilters) -> dict[str, dict]:
    """For each filter, how many organisations each of its values would give, the other
    filters being applied (so the counts always describe the next click)."""
    return _counts(_run(filters, choices=False))


def facets(filters: DirectoryFilters) -> list[Facet]:
    parts = _run(filters, choices=True)
    counts = _counts(parts)
    choices = {name: [(value, label) for value, (label, _rank) in parts.get(f"choices_{name}", {}).items()]
               for name in ("kind", "sector", "territory")}
    everywhere = counts["territory_everywhere"]
    return [
        Facet("group", _("Famille"), [(key, str(label), counts["group"].get(key, 0)) for key, label in KIND_GROUPS.items()]),
        # Only the kinds present in the results (there are more than twenty).
        Facet("kind", _("Type"), [(slug, name, counts["kind"].get(slug, 0)) for slug, name in choices["kind"]
                                  if counts["kind"].get(slug) or slug == filters.kind]),
        Facet("sector", _("Secteur d'activité"),
              [(value, name, counts["sector"].get(int(value), 0)) for value, name in choices["sector"]]),
        Facet("service", _("Type de prestation"),
              [(key, str(label), counts["service"].get(key, 0)) for key, label in SERVICE_TYPES.items()]),
        Facet("territory", _("Territoire d'intervention"),
              [(value, name, counts["territory"].get(int(value), everywhere)) for value, name in choices["territory"]]),
        Facet("reserved", _("Marchés réservés"),
              [(key, str(label), counts["reserved"].get(key, 0)) for key, label in RESERVED_CONTRACTS.items()]),
        Facet("status", _("Statut"), [("active", _("Actives"), counts["status"]["active"]),
                                      ("archived", _("Archivées"), counts["status"]["archived"]),
                                      ("all", _("Toutes"), counts["status"]["all"])]),
    ]


def kind_choices(include_inactive: OrganisationKind | None = None) -> list[OrganisationKind]:
    query = select(OrganisationKind).order_by(OrganisationKind.position, OrganisationKind.name)
    kinds = db.session.scalars(query).all()
    return [k for k in kinds if k.active or k is include_inactive]


def sector_choices(org: Organisation | None = None) -> list[Sector]:
    """Active sectors, plus those an organisation already has (a hidden sector stays visible on it)."""
    sectors = db.session.scalars(select(Sector).order_by(Sector.position, Sector.name)).all()
    kept = {s.id for s in org.sectors} if org is not None else set()
    return [s for s in sectors if s.active or s.id in kept]
