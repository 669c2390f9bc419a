"""Coverage of the territory: which intercommunalities (EPCI) of the département have a
facilitator, with how much time, and how many inhabitants live where none works.

The EPCIs, their communes and populations come from the official division data extracted into
``data/epci-38.json`` (see data/refresh_epci.py); the site's ``Territory`` rows (names edited by
admins) are matched to them by SIREN, else by a normalised name, and what does not match is shown.

Who covers a territory. A member covers the territories ticked on their profile, or, if they
ticked none, their structure's territory. They count as a facilitator when they declared a
full-time equivalent above 0 on their profile, or declared nothing and are a plain member
(role ``member``: the facilitators). A declared 0 (a partner) and co-animators without a declared
time (they follow their whole sector) do not make a territory covered.

Why the time is declared on the profile, not in the annual report's contribution: the coverage is
a view of the network as it is today, all year round, and only the person knows their time; the
contribution counts a year's activity (hours of insertion, people), not staff. A member's time is
split equally between the territories they cover (the page says so).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload, selectinload

from network_space.accounts.models import Structure, Territory, User, fold
from network_space.accounts.queries import active_territories
from network_space.core.permissions import ROLE_MEMBER
from network_space.extensions import db

DATA_FILE = Path(__file__).resolve().parent / "data" / "epci-38.json"

COVERED, UNCOVERED, ABSENT = "covered", "uncovered", "absent"


@dataclass(frozen=True)
class Commune:
    insee: str
    name: str
    population: int


@dataclass(frozen=True)
class Epci:
    siren: str
    name: str
    kind: str  # METRO, CA, CC
    population: int  # of its communes in the département
    population_all: int
    communes_elsewhere: int
    communes: tuple[Commune, ...]


@dataclass(frozen=True)
class Division:
    """The extract of the official division data, with where it comes from."""

    source: str
    package_version: str
    extracted_on: date
    departement: str
    population: int
    epcis: tuple[Epci, ...]


def load_division(path: Path = DATA_FILE) -> Division:
    data = json.loads(path.read_text("utf-8"))
    return Division(
        source=data["source"], package_version=data["package_version"],
        extracted_on=date.fromisoformat(data["extracted_on"]), departement=data["departement"],
        population=data["population"],
        epcis=tuple(Epci(siren=e["siren"], name=e["name"], kind=e["kind"], population=e["population"],
                         population_all=e["population_all"], communes_elsewhere=e["communes_elsewhere"],
                         communes=tuple(Commune(**c) for c in e["communes"])) for e in data["epcis"]))


@lru_cache(maxsize=1)
def division() -> Division:
    """The data file shipped with the site, read once per process."""
    return load_division()


# Words that say what kind of grouping it is, not which one ("CC du Trièves" = "Trièves").
_GENERIC_WORDS = {"cc", "ca", "cu", "communaute", "communes", "agglomeration", "agglo", "de", "du", "des", "d",
                  "la", "le", "les", "l"}


def name_key(name: str) -> str:
    """A name reduced to the words that identify the intercommunality, for matching: "CA Porte de
    l'Isère (CAPI)" and "CA Porte de l'Isère" give "porte isere"."""
    text = fold(re.sub(r"\(.*?\)", " ", name or "")).replace("œ", "oe").replace("æ", "ae")
    return " ".join(w for w in re.split(r"[^0-9a-z]+", text) if w and w not in _GENERIC_WORDS)


@dataclass
class Facilitator:
    user: User
    fte_share: float | None  # their declared time divided by the number of territories they cover

    @property
    def declared(self) -> bool:
        return self.fte_share is not None


@dataclass
class Row:
    """One intercommunality: the official EPCI and/or the site's territory."""

    epci: Epci | None
    territory: Territory | None
    matched_by: str | None = None  # "siren", "name" or None
    facilitators: list[Facilitator] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.territory.name if self.territory else self.epci.name

    @property
    def label(self) -> str:
        return self.territory.label if self.territory else self.epci.name

    @property
    def population(self) -> int | None:
        return self.epci.population if self.epci else None

    @property
    def state(self) -> str:
        if self.territory is None:
            return ABSENT
        return COVERED if self.facilitators else UNCOVERED

    @property
    def fte(self) -> float:
        return sum(f.fte_share or 0 for f in self.facilitators)

    @property
    def undeclared(self) -> int:
        return sum(1 for f in self.facilitators if not f.declared)


@dataclass
class Coverage:
    division: Division
    rows: list[Row]  # one per EPCI of the data, in name order
    unmatched_territories: list[Row]  # the site's territories that match no EPCI of the data

    def rows_in(self, state: str) -> list[Row]:
        return [r for r in self.rows if r.state == state]

    def population_in(self, state: str) -> int:
        return sum(r.population or 0 for r in self.rows_in(state))

    def share_in(self, state: str) -> float:
        return self.population_in(state) / self.division.population if self.division.population else 0.0

    @property
    def fte(self) -> float:
        return sum(r.fte for r in self.rows + self.unmatched_territories)

    @property
    def facilitator_count(self) -> int:
        return len({f.user.id for r in self.rows + self.unmatched_territories for f in r.facilitators})


def counts_as_facilitator(user: User) -> bool:
    if user.facilitation_fte is not None:
        return user.facilitation_fte > 0
    return user.role == ROLE_MEMBER


def covered_territories(user: User) -> list[Territory]:
    if user.territories:
        return list(user.territories)
    return [user.structure.territory] if user.structure and user.structure.territory else []


def compute(data: Division | None = None) -> Coverage:
    """The coverage, in three queries whatever the number of members and territories."""
    data = data or division()
    territories = active_territories()
    people = db.session.scalars(
        select(User)
        .where(User.active.is_(True),
               or_(User.facilitation_fte > 0, and_(User.facilitation_fte.is_(None), User.role == ROLE_MEMBER)))
        .options(selectinload(User.territories), joinedload(User.structure).joinedload(Structure.territory))
        .order_by(User.name_key)).unique().all()

    rows = {e.siren: Row(e, None) for e in data.epcis}
    by_key = {name_key(e.name): e.siren for e in data.epcis}
    unmatched: list[Row] = []
    row_of_territory: dict[int, Row] = {}
    # SIRENs first, so a name cannot take an EPCI that another territory names by its SIREN.
    for territory in sorted(territories, key=lambda t: t.siren is None):
        siren, how = (territory.siren, "siren") if territory.siren in rows else (by_key.get(name_key(territory.name)), "name")
        row = rows.get(siren) if siren else None
        if row is None or row.territory is not None:
            row = Row(None, territory)
            unmatched.append(row)
        else:
            row.territory, row.matched_by = territory, how
        row_of_territory[territory.id] = row

    for user in people:
        if not counts_as_facilitator(user):
            continue
        covered = [t for t in covered_territories(user) if t.id in row_of_territory]
        share = user.facilitation_fte / len(covered) if covered and user.facilitation_fte is not None else None
        for territory in covered:
            row_of_territory[territory.id].facilitators.append(Facilitator(user, share))

    return Coverage(data, sorted(rows.values(), key=lambda r: fold(r.name)), unmatched)
