"""The search queue: (kind, id) pairs whose index document must be recomputed.

Rows are written in the same transaction as the change, so the index can never miss a committed
change: whatever the after-commit hook could not apply (lock held, crash) the worker applies later.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from network_space.core.models import UTCDateTime, utcnow
from network_space.extensions import db


class SearchQueue(db.Model):
    __tablename__ = "search_queue"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    obj_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    __table_args__ = (db.Index("ix_search_queue_kind_obj", "kind", "obj_id"),)
