"""The annual campaign of the departmental report: campaigns, indicators (data, not code),
contributions (one per territory and structure) with their values and their history."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask import url_for
from sqlalchemy import JSON, Boolean, Column, Date, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from network_space.accounts.models import Structure, Territory, User
from network_space.core.i18n import lazy_gettext as _l
from network_space.core.models import TimestampMixin, UTCDateTime, utcnow
from network_space.extensions import db
from network_space.library.models import Resource

# The sections of the form, in order. An indicator belongs to one; charts read some of them.
GROUPS = {
    "contracts": _l("Marchés et opérations"),
    "mechanisms": _l("Marchés avec clause, par mécanisme"),
    "buyers": _l("Acheteurs accompagnés, par type"),
    "sectors": _l("Marchés avec clause, par secteur"),
    "hours": _l("Heures d'insertion"),
    "people": _l("Personnes et contrats"),
    "publics": _l("Participants, par public"),
    "routes": _l("Participants, par parcours"),
    "outcomes": _l("Situation six mois après"),
    "text": _l("En quelques mots"),
}
KIND_NUMBER = "number"
KIND_TEXT = "text"
KINDS = {KIND_NUMBER: _l("Nombre entier"), KIND_TEXT: _l("Texte")}

CAMPAIGN_OPEN = "open"
CAMPAIGN_CLOSED = "closed"
CAMPAIGN_STATUSES = {CAMPAIGN_OPEN: _l("Ouverte"), CAMPAIGN_CLOSED: _l("Clôturée")}

NOT_STARTED = "not_started"  # a state of the board, never stored: no contribution yet
DRAFT = "draft"
SUBMITTED = "submitted"
RETURNED = "returned"
VALIDATED = "validated"
STATUSES = {
    NOT_STARTED: _l("Non commencée"),
    DRAFT: _l("Brouillon"),
    SUBMITTED: _l("Envoyée"),
    RETURNED: _l("Renvoyée pour correction"),
    VALIDATED: _l("Validée"),
}
EDITABLE = (DRAFT, RETURNED)

campaign_territory = Table(
    "report_campaign_territory",
    db.metadata,
    Column("campaign_id", Integer, ForeignKey("report_campaign.id", ondelete="CASCADE"), primary_key=True),
    Column("territory_id", Integer, ForeignKey("territory.id", ondelete="CASCADE"), primary_key=True),
)


class Indicator(db.Model):
    """One measured quantity (or free text) of the report. Admins add, rename, reorder and retire
    indicators; a retired one keeps its past values and still counts in the years it was asked.
    ``code`` never changes: the import template, the consistency checks and the charts use it."""

    __tablename__ = "report_indicator"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    label: Mapped[str] = mapped_column(String(200))
    definition: Mapped[str] = mapped_column(Text, default="")
    group: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(10), default=KIND_NUMBER)
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    @property
    def is_number(self) -> bool:
        return self.kind == KIND_NUMBER

    @property
    def group_label(self) -> str:
        return str(GROUPS.get(self.group, self.group))

    def __repr__(self) -> str:
        return f"<Indicator {self.code}>"


class Campaign(TimestampMixin, db.Model):
    """The collection of one year's figures ("Bilan 2026"), from the territories expected."""

    __tablename__ = "report_campaign"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    title: Mapped[str] = mapped_column(String(120))
    deadline: Mapped[date] = mapped_column(Date)
    message: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=CAMPAIGN_OPEN)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The public summary published in the library: publishing again adds a version to it.
    resource_id: Mapped[int | None] = mapped_column(ForeignKey("library_resource.id", ondelete="SET NULL"))

    opened_by: Mapped[User | None] = relationship()
    resource: Mapped[Resource | None] = relationship()
    territories: Mapped[list[Territory]] = relationship(secondary=campaign_territory, order_by=Territory.name)
    contributions: Mapped[list["Contribution"]] = relationship(back_populates="campaign", cascade="all, delete-orphan",
                                                               passive_deletes=True)

    @property
    def is_open(self) -> bool:
        return self.status == CAMPAIGN_OPEN

    def notification_title(self) -> str:
        return self.title

    def notification_url(self) -> str:
        return url_for("reports.campaign", year=self.year)

    def __repr__(self) -> str:
        return f"<Campaign {self.year}>"


class Contribution(TimestampMixin, db.Model):
    """One territory's answer for one campaign, by one structure (several structures may share
    a territory, and one structure may cover several territories)."""

    __tablename__ = "report_contribution"
    __table_args__ = (UniqueConstraint("campaign_id", "territory_id", "structure_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("report_campaign.id", ondelete="CASCADE"), index=True)
    territory_id: Mapped[int] = mapped_column(ForeignKey("territory.id"), index=True)
    structure_id: Mapped[int] = mapped_column(ForeignKey("structure.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default=DRAFT, index=True)
    # Bumped by every save: a form posted from an older version is refused instead of
    # silently overwriting what a colleague saved meanwhile.
    revision: Mapped[int] = mapped_column(Integer, default=1)
    # Consistency warnings the facilitator confirmed: {check code: note}.
    confirmations: Mapped[dict] = mapped_column(JSON, default=dict)
    review_comment: Mapped[str | None] = mapped_column(Text)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    campaign: Mapped[Campaign] = relationship(back_populates="contributions")
    territory: Mapped[Territory] = relationship()
    structure: Mapped[Structure] = relationship()
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
    values: Mapped[list["ContributionValue"]] = relationship(back_populates="contribution", cascade="all, delete-orphan",
                                                            passive_deletes=True)
    changes: Mapped[list["ContributionChange"]] = relationship(
        back_populates="contribution", cascade="all, delete-orphan", passive_deletes=True,
        order_by="ContributionChange.id.desc()")

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE and self.campaign.is_open

    @property
    def status_label(self) -> str:
        return str(STATUSES[self.status])

    def notification_title(self) -> str:
        return f"{self.campaign.title} — {self.territory.label} ({self.structure.name})"

    def notification_url(self) -> str:
        return url_for("reports.contribution", contribution_id=self.id)

    def __repr__(self) -> str:
        return f"<Contribution {self.campaign_id}/{self.territory_id}/{self.structure_id}>"


class ContributionValue(db.Model):
    """One indicator's value in one contribution: a whole number ≥ 0, or a text."""

    __tablename__ = "report_value"
    __table_args__ = (UniqueConstraint("contribution_id", "indicator_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(ForeignKey("report_contribution.id", ondelete="CASCADE"))
    indicator_id: Mapped[int] = mapped_column(ForeignKey("report_indicator.id"), index=True)
    number: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str | None] = mapped_column(Text)

    contribution: Mapped[Contribution] = relationship(back_populates="values")
    indicator: Mapped[Indicator] = relationship()


class ContributionChange(db.Model):
    """Who did what to a contribution, and when: every value changed (old → new), every step of
    the review (submitted, sent back with its comment, validated)."""

    __tablename__ = "report_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(ForeignKey("report_contribution.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str | None] = mapped_column(Text)
    # [{"indicator_id": 3, "label": "…", "old": "12", "new": "15"}]: the label as it was then,
    # so the history still reads after an indicator is renamed or retired.
    fields: Mapped[list] = mapped_column(JSON, default=list)

    contribution: Mapped[Contribution] = relationship(back_populates="changes")
    actor: Mapped[User | None] = relationship()


CHANGE_ACTIONS = {
    "created": _l("Contribution commencée"),
    "saved": _l("Brouillon enregistré"),
    "imported": _l("Valeurs importées d'un fichier"),
    "submitted": _l("Contribution envoyée"),
    "returned": _l("Renvoyée pour correction"),
    "validated": _l("Validée"),
}


@dataclass
class Slot:
    """A contribution expected but not started yet: what the form and the rules see before the
    first save creates the row."""

    campaign: Campaign
    territory: Territory
    structure: Structure
    id = None
    status = NOT_STARTED
    review_comment = None
    confirmations: dict = field(default_factory=dict)
    revision = 0

    @property
    def territory_id(self) -> int:
        return self.territory.id

    @property
    def structure_id(self) -> int:
        return self.structure.id

    @property
    def editable(self) -> bool:
        return self.campaign.is_open

    @property
    def status_label(self) -> str:
        return str(STATUSES[NOT_STARTED])
