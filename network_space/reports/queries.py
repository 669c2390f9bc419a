"""Reads the report's pages share: the campaigns, the contributions a member may fill, the
completeness board, and the consolidation (validated contributions only), each in a bounded
number of queries whatever the number of years, territories and indicators."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, func, select
from sqlalchemy.orm import selectinload

from network_space.accounts.models import SECTORS, Structure, Territory, User, fold, user_territory
from network_space.core.permissions import ROLE_MEMBER
from network_space.extensions import db
from network_space.reports.models import (
    KIND_NUMBER, KIND_TEXT, NOT_STARTED, VALIDATED, Campaign, Contribution, ContributionValue, Indicator,
)

FTE_HOURS = 1607  # the legal yearly working time: hours achieved / 1 607 = full-time equivalents
PNAD_TARGET = 30  # % of contracts with a social consideration, Plan national pour des achats durables


def campaign_by_year(year: int) -> Campaign | None:
    return db.session.scalar(select(Campaign).where(Campaign.year == year))


def campaigns() -> list[Campaign]:
    return list(db.session.scalars(select(Campaign).order_by(Campaign.year.desc())))


def indicators(*, active_only: bool = False) -> list[Indicator]:
    query = select(Indicator).order_by(Indicator.position, Indicator.id)
    if active_only:
        query = query.where(Indicator.active.is_(True))
    return list(db.session.scalars(query))


def form_indicators(contribution: Contribution | None) -> list[Indicator]:
    """The indicators a contribution's form shows: the active ones, and any retired one it
    already has a value for (so nothing it holds becomes invisible)."""
    query = select(Indicator).order_by(Indicator.position, Indicator.id)
    if contribution is None or contribution.id is None:
        return list(db.session.scalars(query.where(Indicator.active.is_(True))))
    has_value = select(ContributionValue.id).where(ContributionValue.contribution_id == contribution.id,
                                                   ContributionValue.indicator_id == Indicator.id).exists()
    return list(db.session.scalars(query.where(Indicator.active.is_(True) | has_value)))


def values_of(contribution: Contribution | None) -> dict[int, int | str | None]:
    """{indicator id: value} of a contribution (number or text)."""
    if contribution is None or contribution.id is None:
        return {}
    rows = db.session.execute(select(ContributionValue.indicator_id, ContributionValue.number, ContributionValue.text)
                              .where(ContributionValue.contribution_id == contribution.id))
    return {indicator_id: (number if number is not None else text) for indicator_id, number, text in rows}


def facilitators(territory_ids) -> list[User]:
    """The active members covering these territories (their structure and territories loaded)."""
    ids = list(territory_ids)
    if not ids:
        return []
    return list(db.session.scalars(
        select(User).join(user_territory, user_territory.c.user_id == User.id)
        .where(user_territory.c.territory_id.in_(ids), User.active.is_(True), User.role == ROLE_MEMBER)
        .options(selectinload(User.territories), selectinload(User.structure)).distinct().order_by(User.name_key)))


# --- the completeness board --------------------------------------------------------------------


@dataclass
class BoardRow:
    """An expected (territory, structure) pair, or a territory nobody covers (structure None)."""

    territory: Territory
    structure: Structure | None
    contribution: Contribution | None
    facilitators: list[User] = field(default_factory=list)

    @property
    def status(self) -> str:
        return self.contribution.status if self.contribution is not None else NOT_STARTED

    @property
    def updated_at(self) -> datetime | None:
        return self.contribution.updated_at if self.contribution is not None else None

    @property
    def submitted(self) -> bool:
        return self.contribution is not None and self.contribution.submitted_at is not None \
            and self.contribution.status != "returned"


def board(campaign: Campaign) -> list[BoardRow]:
    """Every expected territory with its contributions: one row per structure whose members
    cover it or that has contributed; a territory nobody covers has one row without structure."""
    expected = {t.id: t for t in campaign.territories}
    contributions = list(db.session.scalars(
        select(Contribution).where(Contribution.campaign_id == campaign.id)
        .options(selectinload(Contribution.territory), selectinload(Contribution.structure),
                 selectinload(Contribution.updated_by))))
    people = facilitators(expected)
    rows: dict[tuple[int, int | None], BoardRow] = {}
    for contribution in contributions:
        rows[(contribution.territory_id, contribution.structure_id)] = BoardRow(
            contribution.territory, contribution.structure, contribution)
    for user in people:
        if user.structure is None:
            continue
        for territory in user.territories:
            if territory.id in expected:
                row = rows.setdefault((territory.id, user.structure_id), BoardRow(territory, user.structure, None))
                row.facilitators.append(user)
    for territory in expected.values():
        if not any(key[0] == territory.id for key in rows):
            rows[(territory.id, None)] = BoardRow(territory, None, None)
    # As a reader sorts: "CA du Pays Voironnais" before "CA Porte de l'Isère", accents and capitals aside.
    return sorted(rows.values(), key=lambda r: (fold(r.territory.name), fold(r.structure.name if r.structure else "")))


def board_counts(rows: list[BoardRow]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        counts[row.status] += 1
    return counts


def my_slots(campaign: Campaign, user) -> list[BoardRow]:
    """The contributions this member is expected to fill for the campaign: each expected
    territory they cover, for their structure, started or not. Facilitators are members: a
    co-animator's territories are the sector they animate, not contributions they owe."""
    if user.structure_id is None or user.role != ROLE_MEMBER:
        return []
    mine = [t for t in user.territories if t.id in {e.id for e in campaign.territories}]
    existing = {c.territory_id: c for c in db.session.scalars(
        select(Contribution).where(Contribution.campaign_id == campaign.id,
                                   Contribution.structure_id == user.structure_id))}
    return [BoardRow(t, user.structure, existing.get(t.id), [user]) for t in mine]


# --- consolidation ---------------------------------------------------------------------------


@dataclass
class Consolidation:
    """The validated figures of every campaign up to ``year``, ready for the tables and charts.

    Sums are keyed by (year, territory id, indicator id); a missing key means no validated
    contribution gave a value."""

    year: int
    years: list[int]  # ascending, the campaigns up to ``year``
    campaigns: dict[int, Campaign]
    indicators: list[Indicator]  # number indicators shown: active, or with a value in these years
    text_indicators: list[Indicator]
    territories: list[Territory]
    sums: dict[tuple[int, int, int], int]
    # What is missing: expected territories of the year without a validated contribution, and the
    # contributions of the year by status.
    validated_territories: dict[int, set[int]]
    expected_territories: dict[int, list[Territory]]
    status_counts: dict[str, int]
    highlights: list[tuple[Territory, Structure, Indicator, str]]  # the year's validated texts

    def __post_init__(self):
        self._by_code = {i.code: i for i in self.indicators}
        # One pass over the sums: totals by (year, indicator) and by (year, sector, indicator).
        sector_of = {t.id: t.sector for t in self.territories}
        self._totals: dict[tuple[int, str | None, int], int] = defaultdict(int)
        for (year, territory_id, indicator_id), value in self.sums.items():
            self._totals[(year, None, indicator_id)] += value
            self._totals[(year, sector_of.get(territory_id), indicator_id)] += value

    def value(self, year: int, territory_id: int, indicator_id: int) -> int | None:
        return self.sums.get((year, territory_id, indicator_id))

    def total(self, year: int, indicator_id: int, sector: str | None = None) -> int | None:
        """The department's total (or a sector's), None when no validated contribution gave it."""
        return self._totals.get((year, sector, indicator_id))

    def indicator(self, code: str) -> Indicator | None:
        return self._by_code.get(code)

    def total_of(self, code: str, year: int | None = None, sector: str | None = None) -> int | None:
        indicator = self.indicator(code)
        return None if indicator is None else self.total(year or self.year, indicator.id, sector)

    @property
    def previous_year(self) -> int | None:
        earlier = [y for y in self.years if y < self.year]
        return earlier[-1] if earlier else None

    def compared_territories(self) -> set[int]:
        """The territories validated both this year and the year before: what change() compares."""
        if self.previous_year is None:
            return set()
        return self.validated_territories.get(self.year, set()) & self.validated_territories.get(self.previous_year, set())

    def change(self, indicator_id: int) -> float | None:
        """N vs N-1 in %, like for like: on the territories validated both years that gave the
        figure both years (a year still being collected would otherwise look like a fall); None
        when there are none or N-1's sum is zero."""
        pairs = [(self.value(self.year, t, indicator_id), self.value(self.previous_year, t, indicator_id))
                 for t in self.compared_territories()]
        pairs = [(now, before) for now, before in pairs if now is not None and before is not None]
        before = sum(b for _now, b in pairs)
        if not before:
            return None
        return (sum(now for now, _b in pairs) - before) * 100.0 / before

    def territories_with_data(self, year: int | None = None) -> list[Territory]:
        year = year or self.year
        return [t for t in self.territories if t.id in self.validated_territories.get(year, set())]

    def missing_territories(self) -> list[Territory]:
        validated = self.validated_territories.get(self.year, set())
        return [t for t in self.expected_territories.get(self.year, []) if t.id not in validated]

    def fte(self, year: int | None = None, territory_id: int | None = None) -> float | None:
        hours = self.indicator("hours_achieved")
        if hours is None:
            return None
        value = (self.total(year or self.year, hours.id) if territory_id is None
                 else self.value(year or self.year, territory_id, hours.id))
        return None if value is None else value / FTE_HOURS

    def pnad(self, year: int | None = None) -> tuple[float, int] | None:
        """The share of contracts with a social clause among contracts notified, over the
        territories that gave both figures (notified > 0), and how many territories that is."""
        year = year or self.year
        with_clause, notified = self.indicator("contracts_with_clause"), self.indicator("contracts_notified")
        if with_clause is None or notified is None:
            return None
        numerator = denominator = count = 0
        for territory in self.territories:
            n = self.value(year, territory.id, notified.id)
            c = self.value(year, territory.id, with_clause.id)
            if n and c is not None:
                numerator, denominator, count = numerator + c, denominator + n, count + 1
        return (numerator * 100.0 / denominator, count) if denominator else None

    def group(self, name: str) -> list[Indicator]:
        return [i for i in self.indicators if i.group == name]


def consolidate(year: int, *, years_back: int = 4) -> Consolidation | None:
    """The consolidation for ``year`` and up to ``years_back`` earlier campaigns. Six queries
    whatever the size: campaigns (+ their territories), indicators, territories, the sums grouped
    by (year, territory, indicator), the contributions' states, the year's texts."""
    all_campaigns = list(db.session.scalars(
        select(Campaign).where(Campaign.year <= year, Campaign.year >= year - years_back)
        .order_by(Campaign.year).options(selectinload(Campaign.territories))))
    by_year = {c.year: c for c in all_campaigns}
    if year not in by_year:
        return None
    campaign_ids = [c.id for c in all_campaigns]
    year_of = {c.id: c.year for c in all_campaigns}
    validated = and_(Contribution.campaign_id.in_(campaign_ids), Contribution.status == VALIDATED)
    sums: dict[tuple[int, int, int], int] = {}
    for campaign_id, territory_id, indicator_id, total in db.session.execute(
            select(Contribution.campaign_id, Contribution.territory_id, ContributionValue.indicator_id,
                   func.sum(ContributionValue.number))
            .join(ContributionValue, ContributionValue.contribution_id == Contribution.id)
            .where(validated, ContributionValue.number.is_not(None))
            .group_by(Contribution.campaign_id, Contribution.territory_id, ContributionValue.indicator_id)):
        sums[(year_of[campaign_id], territory_id, indicator_id)] = int(total)
    used = {i for (_y, _t, i) in sums}
    every_indicator = indicators()
    shown = [i for i in every_indicator if i.kind == KIND_NUMBER and (i.active or i.id in used)]
    texts = [i for i in every_indicator if i.kind == KIND_TEXT]
    validated_territories: dict[int, set[int]] = defaultdict(set)
    status_counts: dict[str, int] = defaultdict(int)
    for campaign_id, territory_id, status in db.session.execute(
            select(Contribution.campaign_id, Contribution.territory_id, Contribution.status)
            .where(Contribution.campaign_id.in_(campaign_ids))):
        if status == VALIDATED:
            validated_territories[year_of[campaign_id]].add(territory_id)
        if campaign_id == by_year[year].id:
            status_counts[status] += 1
    territory_ids = {t for (_y, t, _i) in sums} | {t.id for c in all_campaigns for t in c.territories}
    territories = list(db.session.scalars(select(Territory).where(Territory.id.in_(territory_ids))
                                          .order_by(Territory.name))) if territory_ids else []
    by_territory = {t.id: t for t in territories}
    highlights = []
    text_ids = [i.id for i in texts]
    if text_ids:
        text_by_id = {i.id: i for i in texts}
        for territory_id, structure, indicator_id, text in db.session.execute(
                select(Contribution.territory_id, Structure, ContributionValue.indicator_id, ContributionValue.text)
                .join(ContributionValue, ContributionValue.contribution_id == Contribution.id)
                .join(Structure, Structure.id == Contribution.structure_id)
                .where(Contribution.campaign_id == by_year[year].id, Contribution.status == VALIDATED,
                       ContributionValue.indicator_id.in_(text_ids), ContributionValue.text.is_not(None))):
            highlights.append((by_territory[territory_id], structure, text_by_id[indicator_id], text))
        highlights.sort(key=lambda h: (h[0].name, h[1].name, h[2].position))
    return Consolidation(
        year=year, years=sorted(by_year), campaigns=by_year, indicators=shown, text_indicators=texts,
        territories=territories, sums=sums, validated_territories=dict(validated_territories),
        expected_territories={c.year: list(c.territories) for c in all_campaigns},
        status_counts=dict(status_counts), highlights=highlights)


def sector_rows(consolidation: Consolidation) -> list[tuple[str, dict[int, int | None]]]:
    """For each sector (Nord, Sud), the year's total of each indicator."""
    return [(sector, {i.id: consolidation.total(consolidation.year, i.id, sector) for i in consolidation.indicators})
            for sector in SECTORS]
