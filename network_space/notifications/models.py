"""In-app notifications, preferences, follows and digest runs."""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from network_space.core.models import UTCDateTime, utcnow
from network_space.extensions import db
from network_space.notifications.registry import KINDS


class Notification(db.Model):
    """One item in a member's notification centre. Title and URL are copied at notify time so the
    list needs no join to the target; ``target_type``/``target_id`` tell whether it still exists."""

    __tablename__ = "notification"
    __table_args__ = (
        Index("ix_notification_user_created", "user_id", "created_at"),
        Index("ix_notification_digest", "channel", "digested_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(80))
    category: Mapped[str] = mapped_column(String(40))
    # The channel chosen at notify time: immediate, daily, weekly or site.
    channel: Mapped[str] = mapped_column(String(16))
    target_type: Mapped[str | None] = mapped_column(String(60))
    target_id: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    url: Mapped[str | None] = mapped_column(String(500))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    context_json: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    digested_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user = relationship("User", foreign_keys=[user_id])
    actor = relationship("User", foreign_keys=[actor_id])

    @property
    def context(self) -> dict:
        return json.loads(self.context_json or "{}")

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def kind_label(self) -> str:
        kind = KINDS.get(self.kind)
        return str(kind.label) if kind else self.kind


class NotificationPreference(db.Model):
    """A member's channel for a category, stored only when it differs from the default."""

    __tablename__ = "notification_preference"
    __table_args__ = (UniqueConstraint("user_id", "category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(16))


class Follow(db.Model):
    """A member follows any registered target (territory, resource, meeting series, event…)."""

    __tablename__ = "follow"
    __table_args__ = (
        UniqueConstraint("user_id", "target_type", "target_id"),
        Index("ix_follow_target", "target_type", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    target_type: Mapped[str] = mapped_column(String(60))
    target_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DigestRun(db.Model):
    """The last digest slot (e.g. Monday 08:00 Paris, in UTC) produced for each frequency.

    Claiming a slot is a conditional UPDATE of this row, so two workers never produce it twice."""

    __tablename__ = "digest_run"

    frequency: Mapped[str] = mapped_column(String(16), primary_key=True)
    slot_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ran_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
