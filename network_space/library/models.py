"""The resource library: resources (file, link or note), their file versions, comments, and the
taxonomies they are classified with (categories, activity sectors, free tags)."""
from __future__ import annotations

from datetime import date, datetime

from flask import url_for
from sqlalchemy import Boolean, Column, Date, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from network_space.core.i18n import lazy_gettext as _l
from network_space.core.models import TimestampMixin, UTCDateTime, utcnow
from network_space.extensions import db

KIND_FILE = "file"
KIND_LINK = "link"
KIND_NOTE = "note"
KIND_LABELS = {KIND_FILE: _l("Fichier"), KIND_LINK: _l("Lien"), KIND_NOTE: _l("Note")}

VISIBILITY_MEMBERS = "members"
VISIBILITY_COANIMATORS = "coanimators"
VISIBILITY_LABELS = {
    VISIBILITY_MEMBERS: _l("Tous les membres"),
    VISIBILITY_COANIMATORS: _l("Co-animateurs seulement"),
}

# Clause mechanisms of the public procurement code (Code de la commande publique).
CLAUSE_MECHANISMS = {
    "execution": _l("Condition d'exécution (art. L2112-2)"),
    "reserve_l2113_12": _l("Marché réservé (art. L2113-12)"),
    "reserve_l2113_13": _l("Marché réservé (art. L2113-13)"),
    "insertion_r2123_1": _l("Marché d'insertion et de qualification professionnelle (art. R2123-1)"),
    "attribution": _l("Critère d'attribution"),
    "autre": _l("Autre"),
}

BUYER_TYPES = {
    "etat": _l("État et établissements publics"),
    "departement": _l("Département"),
    "commune": _l("Commune"),
    "intercommunalite": _l("Intercommunalité"),
    "bailleur": _l("Bailleur social"),
    "hopital": _l("Établissement de santé"),
    "autre": _l("Autre acheteur"),
}

# Text extraction state of a file version.
TEXT_OK = "ok"
TEXT_FAILED = "failed"  # "texte non indexé", with the reason in text_error
TEXT_NONE = "none"  # nothing to extract (image)

DEFAULT_CATEGORIES = (
    "Guides et méthodes",
    "Modèles de clauses",
    "Cahiers des charges et pièces de marché",
    "Outils de suivi",
    "Fiches métiers et secteurs",
    "Retours d'expérience",
    "Bilans et études",
    "Réglementation",
    "Communication",
)

DEFAULT_SECTORS = (
    "Bâtiment et travaux publics",
    "Propreté et nettoyage",
    "Espaces verts",
    "Restauration collective",
    "Services à la personne",
    "Transport et logistique",
    "Déchets et recyclage",
    "Informatique et numérique",
    "Industrie",
    "Administration et services",
)


class Category(db.Model):
    """A library category; the list is edited by admins."""

    __tablename__ = "library_category"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Sector(db.Model):
    """An activity sector (secteur d'activité), shared by the library and the directory."""

    __tablename__ = "sector"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Tag(db.Model):
    __tablename__ = "library_tag"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)  # normalised: stripped, lower-case


resource_tag = Table(
    "library_resource_tag",
    db.metadata,
    Column("resource_id", Integer, ForeignKey("library_resource.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", Integer, ForeignKey("library_tag.id", ondelete="CASCADE"), primary_key=True, index=True),
)

resource_sector = Table(
    "library_resource_sector",
    db.metadata,
    Column("resource_id", Integer, ForeignKey("library_resource.id", ondelete="CASCADE"), primary_key=True),
    Column("sector_id", Integer, ForeignKey("sector.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Resource(TimestampMixin, db.Model):
    __tablename__ = "library_resource"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8), default=KIND_FILE)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str | None] = mapped_column(Text)  # the text of a note (Markdown)
    url: Mapped[str | None] = mapped_column(String(500))  # the address of a link
    category_id: Mapped[int | None] = mapped_column(ForeignKey("library_category.id", ondelete="SET NULL"), index=True)
    clause_mechanism: Mapped[str | None] = mapped_column(String(20))
    buyer_type: Mapped[str | None] = mapped_column(String(20))
    # None: the whole département.
    territory_id: Mapped[int | None] = mapped_column(ForeignKey("territory.id", ondelete="SET NULL"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    review_by: Mapped[date | None] = mapped_column(Date)
    visibility: Mapped[str] = mapped_column(String(12), default=VISIBILITY_MEMBERS, index=True)
    download_count: Mapped[int] = mapped_column(Integer, default=0)
    view_count: Mapped[int] = mapped_column(Integer, default=0)

    category: Mapped[Category | None] = relationship()
    territory = relationship("Territory")
    author = relationship("User", foreign_keys=[author_id])
    tags: Mapped[list[Tag]] = relationship(secondary=resource_tag, order_by=Tag.name)
    sectors: Mapped[list[Sector]] = relationship(secondary=resource_sector, order_by=Sector.position)
    versions: Mapped[list["ResourceVersion"]] = relationship(
        back_populates="resource", order_by="ResourceVersion.number.desc()", cascade="all, delete-orphan",
        passive_deletes=True,
    )
    comments: Mapped[list["ResourceComment"]] = relationship(
        back_populates="resource", order_by="ResourceComment.created_at", cascade="all, delete-orphan",
        passive_deletes=True,
    )

    @property
    def latest_version(self) -> "ResourceVersion | None":
        return self.versions[0] if self.versions else None

    @property
    def kind_label(self):
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def territory_label(self) -> str:
        return self.territory.label if self.territory else str(_l("Tout le département"))

    @property
    def restricted(self) -> bool:
        return self.visibility == VISIBILITY_COANIMATORS

    def notification_title(self) -> str:
        return self.title

    def notification_url(self) -> str:
        return url_for("library.detail", resource_id=self.id)


class ResourceVersion(db.Model):
    """One uploaded file of a resource; the highest number is the current one."""

    __tablename__ = "library_version"
    __table_args__ = (UniqueConstraint("resource_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("library_resource.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(String(500))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    storage_key: Mapped[str] = mapped_column(String(64))  # SHA-256 of the content
    original_name: Mapped[str] = mapped_column(String(200))  # for display and download only
    extension: Mapped[str] = mapped_column(String(8))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    text_status: Mapped[str] = mapped_column(String(8), default=TEXT_NONE)
    text_error: Mapped[str | None] = mapped_column(String(300))
    text: Mapped[str | None] = deferred(mapped_column(Text))
    download_count: Mapped[int] = mapped_column(Integer, default=0)

    resource: Mapped[Resource] = relationship(back_populates="versions")
    author = relationship("User", foreign_keys=[author_id])


class ResourceDownload(db.Model):
    """One download, dated, so that a period's downloads can be counted (the co-animation's
    activity report); who downloaded is not kept."""

    __tablename__ = "library_download"

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("library_resource.id", ondelete="CASCADE"), index=True)
    downloaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class ResourceComment(db.Model):
    """A "retour d'expérience" on a resource (Markdown, sanitized on display)."""

    __tablename__ = "library_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("library_resource.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    resource: Mapped[Resource] = relationship(back_populates="comments")
    author = relationship("User")
