"""Network announcements by co-animators, to everyone, a sector or chosen territories."""
from __future__ import annotations

from flask import url_for
from sqlalchemy import Column, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from network_space.core.models import TimestampMixin
from network_space.extensions import db

AUDIENCE_ALL = "all"
AUDIENCE_NORD = "nord"
AUDIENCE_SUD = "sud"
AUDIENCE_TERRITORIES = "territories"
AUDIENCES = (AUDIENCE_ALL, AUDIENCE_NORD, AUDIENCE_SUD, AUDIENCE_TERRITORIES)

announcement_territory = Table(
    "announcement_territory",
    db.metadata,
    Column("announcement_id", Integer, ForeignKey("announcement.id", ondelete="CASCADE"), primary_key=True),
    Column("territory_id", Integer, ForeignKey("territory.id", ondelete="CASCADE"), primary_key=True),
)


class Announcement(TimestampMixin, db.Model):
    """A network announcement by a co-animator, to everyone, a sector or chosen territories."""

    __tablename__ = "announcement"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    audience: Mapped[str] = mapped_column(String(16), default=AUDIENCE_ALL)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    recipient_count: Mapped[int] = mapped_column(Integer, default=0)

    author = relationship("User")
    territories = relationship("Territory", secondary=announcement_territory, order_by="Territory.name")

    def notification_title(self) -> str:
        return self.title

    def notification_url(self) -> str:
        return url_for("announcements.detail", announcement_id=self.id)
