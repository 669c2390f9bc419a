"""Organisations of the partner directory: kinds (data), organisations, their contacts, the
territories they serve, their service types, and the history of every change."""
from __future__ import annotations

import json
from datetime import date, datetime

from flask import url_for
from sqlalchemy import Boolean, Column, Date, ForeignKey, Index, Integer, String, Table, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from network_space.accounts.models import Territory, User
from network_space.core.i18n import lazy_gettext as _l
from network_space.library.models import Sector
from network_space.core.models import TimestampMixin, UTCDateTime, utcnow
from network_space.directory.siret import format_siret
from network_space.extensions import db

GROUP_DISABILITY = "disability"
GROUP_BUYER = "buyer"
GROUP_INSERTION = "insertion"
KIND_GROUPS = {
    GROUP_DISABILITY: _l("Secteur du handicap"),
    GROUP_BUYER: _l("Donneurs d'ordre"),
    GROUP_INSERTION: _l("Structures d'insertion"),
}

SERVICE_TYPES = {
    "service": _l("Prestation de service"),
    "staffing": _l("Mise à disposition de personnel"),
    "goods": _l("Fabrication et vente"),
}


def service_labels(codes) -> list[str]:
    """The labels of these service types, in SERVICE_TYPES' order."""
    offered = set(codes)
    return [str(label) for code, label in SERVICE_TYPES.items() if code in offered]


RESERVED_CONTRACTS = {
    "l2113_12": _l("Marché réservé L2113-12 (ESAT, EA)"),
    "l2113_13": _l("Marché réservé L2113-13 (SIAE)"),
}


class OrganisationKind(db.Model):
    """ESAT, EA, bailleur social, ACI… Data an admin can extend."""

    __tablename__ = "organisation_kind"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    group: Mapped[str] = mapped_column(String(20), index=True)
    position: Mapped[int] = mapped_column(Integer, default=100)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    @property
    def group_label(self) -> str:
        return str(KIND_GROUPS.get(self.group, self.group))

    def __repr__(self) -> str:
        return f"<OrganisationKind {self.slug}>"


organisation_territory = Table(
    "organisation_territory",
    db.metadata,
    Column("organisation_id", Integer, ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True),
    Column("territory_id", Integer, ForeignKey("territory.id", ondelete="CASCADE"), primary_key=True, index=True),
)


organisation_sector = Table(
    "organisation_sector",
    db.metadata,
    Column("organisation_id", Integer, ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True),
    Column("sector_id", Integer, ForeignKey("sector.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class OrganisationService(db.Model):
    """One service type an organisation offers (a row per type, so filters and counts are SQL)."""

    __tablename__ = "organisation_service"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(String(20), primary_key=True, index=True)


class Organisation(TimestampMixin, db.Model):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    trade_name: Mapped[str | None] = mapped_column(String(200))
    kind_id: Mapped[int] = mapped_column(ForeignKey("organisation_kind.id", ondelete="RESTRICT"), index=True)
    # Compact 14 digits; NULL when unknown, so the unique constraint only binds known numbers.
    siret: Mapped[str | None] = mapped_column(String(14), unique=True)
    address: Mapped[str | None] = mapped_column(String(300))
    postcode: Mapped[str | None] = mapped_column(String(10))
    commune: Mapped[str | None] = mapped_column(String(120))
    territory_id: Mapped[int | None] = mapped_column(ForeignKey("territory.id", ondelete="SET NULL"), index=True)
    phone: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(254))
    website: Mapped[str | None] = mapped_column(String(300))
    whole_departement: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    workforce: Mapped[int | None] = mapped_column(Integer)
    reserved_l2113_12: Mapped[bool] = mapped_column(Boolean, default=False)
    reserved_l2113_13: Mapped[bool] = mapped_column(Boolean, default=False)
    description: Mapped[str | None] = mapped_column(Text)
    internal_notes: Mapped[str | None] = mapped_column(Text)
    last_checked_on: Mapped[date | None] = mapped_column(Date)
    last_checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    kind: Mapped[OrganisationKind] = relationship()
    territory: Mapped[Territory | None] = relationship()
    served_territories: Mapped[list[Territory]] = relationship(
        secondary=organisation_territory, order_by=Territory.name
    )
    # The activity-sector taxonomy shared with the library.
    sectors: Mapped[list[Sector]] = relationship(secondary=organisation_sector, order_by=(Sector.position, Sector.name))
    services: Mapped[list[OrganisationService]] = relationship(
        cascade="all, delete-orphan", order_by=OrganisationService.code
    )
    contacts: Mapped[list["OrganisationContact"]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan", order_by="OrganisationContact.position"
    )
    last_checked_by: Mapped[User | None] = relationship(foreign_keys=[last_checked_by_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    @property
    def siret_display(self) -> str:
        return format_siret(self.siret)

    @property
    def service_codes(self) -> list[str]:
        offered = {service.code for service in self.services}
        return [code for code in SERVICE_TYPES if code in offered]

    @property
    def service_labels(self) -> list[str]:
        return service_labels(service.code for service in self.services)

    @property
    def reserved_short_labels(self) -> list[str]:
        return [f"L{key[1:].replace('_', '-')}" for key in RESERVED_CONTRACTS if getattr(self, f"reserved_{key}")]

    @property
    def reserved_labels(self) -> list[str]:
        return [str(label) for key, label in RESERVED_CONTRACTS.items() if getattr(self, f"reserved_{key}")]

    def notification_title(self) -> str:
        return self.name

    def notification_url(self) -> str:
        return url_for("directory.show", organisation_id=self.id)

    def __repr__(self) -> str:
        return f"<Organisation {self.name}>"


# The directory lists organisations in this order (queries.organisations_query): with the index,
# PostgreSQL reads a page's 25 rows in order instead of joining and sorting every organisation
# (0.78 → 0.09 ms for 410 organisations).
Index("ix_organisation_list_order", func.lower(Organisation.name), Organisation.id)


class OrganisationContact(db.Model):
    __tablename__ = "organisation_contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str | None] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(30))
    position: Mapped[int] = mapped_column(Integer, default=0)

    organisation: Mapped[Organisation] = relationship(back_populates="contacts")


class OrganisationRevision(db.Model):
    """One change to an organisation: who, when, the field-by-field diff and the full state after
    it (the snapshot is what "revert to this version" restores)."""

    __tablename__ = "organisation_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(20))  # create, update, import, revert
    reverted_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation_revision.id", ondelete="SET NULL")
    )
    changes_json: Mapped[str] = mapped_column(Text, default="{}")
    snapshot_json: Mapped[str] = mapped_column(Text, default="{}")

    actor: Mapped[User | None] = relationship()
    reverted_from: Mapped["OrganisationRevision | None"] = relationship(remote_side=[id])

    @property
    def changes(self) -> dict:
        return json.loads(self.changes_json or "{}")

    @property
    def snapshot(self) -> dict:
        return json.loads(self.snapshot_json or "{}")
