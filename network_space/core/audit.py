"""Audit log of admin and security events: who, what, when, from which address."""
from __future__ import annotations

from datetime import datetime

from flask import has_request_context
from flask_login import current_user
from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from network_space.core.models import UTCDateTime, utcnow
from network_space.extensions import client_address, db


class AuditEntry(db.Model):
    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(80), index=True)
    target: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[str | None] = mapped_column(Text)
    ip_address: Mapped[str | None] = mapped_column(String(64))

    actor = relationship("User", foreign_keys=[actor_id])


def audit(action: str, target: str | None = None, detail: str | None = None, actor=None) -> AuditEntry:
    """Add an audit entry to the current transaction (the caller commits with its change)."""
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    entry = AuditEntry(
        action=action,
        target=target,
        detail=detail,
        actor_id=getattr(actor, "id", None),
        ip_address=client_address() if has_request_context() else None,
    )
    db.session.add(entry)
    return entry
