"""Members (User), their employers (Structure) and the territories they cover (Territory)."""
from __future__ import annotations

import secrets
from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import Boolean, Column, Float, ForeignKey, Integer, String, Table, Text, func
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
from werkzeug.security import check_password_hash, generate_password_hash

from network_space.core.i18n import fold  # noqa: F401 - where the domains import it from
from network_space.core.i18n import lazy_gettext as _l
from network_space.core.models import TimestampMixin, UTCDateTime, utcnow
from network_space.core.permissions import ROLE_ADMIN, ROLE_COANIMATOR, ROLE_MEMBER
from network_space.extensions import db

SECTOR_NORD = "nord"
SECTOR_SUD = "sud"
SECTORS = (SECTOR_NORD, SECTOR_SUD)

STRUCTURE_KINDS = ("epci", "gip", "association", "departement", "etat", "autre")

STRUCTURE_KIND_LABELS = {
    "epci": _l("EPCI (intercommunalité)"),
    "gip": _l("GIP"),
    "association": _l("Association"),
    "departement": _l("Département"),
    "etat": _l("État (DDETS…)"),
    "autre": _l("Autre"),
}
SECTOR_LABELS = {SECTOR_NORD: _l("Nord-Isère"), SECTOR_SUD: _l("Sud-Isère")}
ROLE_LABELS = {ROLE_MEMBER: _l("Membre"), ROLE_COANIMATOR: _l("Co-animateur·rice"), ROLE_ADMIN: _l("Administrateur·rice")}
INVITATION_STATUS_LABELS = {
    "pending": _l("En attente"),
    "accepted": _l("Acceptée"),
    "expired": _l("Expirée"),
    "revoked": _l("Révoquée"),
}
# The same states as filters of the list: several invitations each.
INVITATION_FILTER_LABELS = {
    "pending": _l("En attente"),
    "accepted": _l("Acceptées"),
    "expired": _l("Expirées"),
    "revoked": _l("Révoquées"),
}


user_territory = Table(
    "user_territory",
    db.metadata,
    Column("user_id", Integer, ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    Column("territory_id", Integer, ForeignKey("territory.id", ondelete="CASCADE"), primary_key=True),
)


class Territory(db.Model):
    """An intercommunality (EPCI) of the département, in sector Nord or Sud. Data, not code."""

    __tablename__ = "territory"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(150), unique=True)
    short_name: Mapped[str | None] = mapped_column(String(60))
    sector: Mapped[str] = mapped_column(String(8), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The EPCI's SIREN: ties the row to the official division data (reports/coverage.py) whatever
    # its name on the site.
    siren: Mapped[str | None] = mapped_column(String(9), unique=True)

    @hybrid_property
    def label(self) -> str:
        return self.short_name or self.name

    @property
    def name_and_sector(self) -> str:
        """How lists of choices name it: in alphabetical order, the short names would look random."""
        sector = SECTOR_LABELS.get(self.sector)
        return f"{self.name} ({sector})" if sector else self.name

    @label.inplace.expression
    @classmethod
    def _label_expression(cls):
        # The same in SQL, for lists read as rows (directory/queries.py): an empty short name, false
        # in Python, is no label in SQL either.
        return func.coalesce(func.nullif(cls.short_name, ""), cls.name)

    def __repr__(self) -> str:
        return f"<Territory {self.name}>"


class Structure(TimestampMixin, db.Model):
    """A member's employer or institution (EPCI, GIP, association, Département, DDETS…)."""

    __tablename__ = "structure"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="autre")
    territory_id: Mapped[int | None] = mapped_column(ForeignKey("territory.id", ondelete="SET NULL"), index=True)
    address: Mapped[str | None] = mapped_column(String(300))
    website: Mapped[str | None] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    territory: Mapped[Territory | None] = relationship()
    members: Mapped[list["User"]] = relationship(back_populates="structure")

    def __repr__(self) -> str:
        return f"<Structure {self.name}>"


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased (see normalize_email) so that uniqueness is case-insensitive everywhere.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    # fold(full_name), kept in sync by _sync_name_key: the directory searches it with LIKE.
    name_key: Mapped[str] = mapped_column(String(120), default="", server_default="", index=True)
    job_title: Mapped[str | None] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(30))
    bio: Mapped[str | None] = mapped_column(Text)
    structure_id: Mapped[int | None] = mapped_column(ForeignKey("structure.id", ondelete="SET NULL"), index=True)
    role: Mapped[str] = mapped_column(String(16), default=ROLE_MEMBER, index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    language: Mapped[str] = mapped_column(String(5), default="fr")
    password_hash: Mapped[str] = mapped_column(String(255))
    # Part of the login session id: changing it (password change, deactivation) logs out
    # every session and invalidates every "remember me" cookie of the account.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=lambda: secrets.token_hex(24))
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The last password reset email sent: at most one per PASSWORD_RESET_INTERVAL_MINUTES.
    password_reset_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the account was last deactivated: deactivated accounts are erased after
    # DEACTIVATED_ACCOUNT_RETENTION_MONTHS (see accounts/privacy.py).
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    # Set when the member's personal data was erased: the row stays, anonymised, so that their
    # contributions (resources, minutes, comments) keep an author shown as "Ancien membre".
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The welcome checklist of the dashboard (accounts/welcome.py): when the member hid it, and
    # when they first opened the network's practical guide (the one step no other data records).
    welcome_dismissed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    guide_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Full-time equivalent the member gives to facilitating social clauses (0 to 1), declared on
    # the profile; None: not said. See reports/coverage.py for how it counts.
    facilitation_fte: Mapped[float | None] = mapped_column(Float)

    structure: Mapped[Structure | None] = relationship(back_populates="members")
    territories: Mapped[list[Territory]] = relationship(secondary=user_territory, order_by=Territory.name)

    @validates("full_name")
    def _sync_name_key(self, key: str, value: str) -> str:
        self.name_key = fold(value)[:120]
        return value

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])
        self.session_token = secrets.token_hex(24)

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        return self.session_token

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    @property
    def is_coanimator(self) -> bool:
        return self.role in (ROLE_COANIMATOR, ROLE_ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.role == ROLE_ADMIN

    @property
    def sectors(self) -> set[str]:
        return {territory.sector for territory in self.territories}

    def __repr__(self) -> str:
        return f"<User {self.email}>"


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


class Invitation(TimestampMixin, db.Model):
    """An invitation to join; the emailed link signs (id, nonce) so resending voids the old link."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    role: Mapped[str] = mapped_column(String(16), default=ROLE_MEMBER)
    structure_id: Mapped[int | None] = mapped_column(ForeignKey("structure.id", ondelete="SET NULL"))
    message: Mapped[str | None] = mapped_column(Text)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    nonce: Mapped[str] = mapped_column(String(32), default=lambda: secrets.token_hex(16))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    structure: Mapped[Structure | None] = relationship()
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at < utcnow():
            return "expired"
        return "pending"


class LoginAttempt(db.Model):
    """Every login attempt, by address typed (existing account or not) and client address:
    the per-account lock-out reads it, and it never reveals whether an account exists."""

    __tablename__ = "login_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    ip_address: Mapped[str | None] = mapped_column(String(64), index=True)
    success: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
