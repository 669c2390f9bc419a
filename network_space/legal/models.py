"""The admins' text of each legal page; a page never edited shows its default text
(legal/defaults/<slug>.md)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from network_space.core.models import UTCDateTime, utcnow
from network_space.extensions import db


class LegalPage(db.Model):
    __tablename__ = "legal_page"

    slug: Mapped[str] = mapped_column(String(40), primary_key=True)
    body: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    updated_by = relationship("User")
