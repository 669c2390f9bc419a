"""Settings of the site that admins change from its pages (not deployment settings, which are
read in config.py): one row per key, each change audited. A domain reads its own keys through
get_setting(); e.g. library's "practical guide" (library.guide_resource_id)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column


from network_space.core.audit import audit, register_audit_actions
from network_space.core.i18n import lazy_gettext as _l
from network_space.core.models import UTCDateTime, utcnow
from network_space.extensions import db


register_audit_actions({"setting.changed": _l("Réglage du site modifié")})


class SiteSetting(db.Model):
    __tablename__ = "site_setting"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))


def setting_value(key: str):
    """A setting as a SQL expression, for a query that needs it to read in the same statement."""
    return select(SiteSetting.value).where(SiteSetting.key == key).scalar_subquery()


def get_setting(key: str) -> str | None:
    row = db.session.get(SiteSetting, key)
    return row.value if row is not None else None


def set_setting(key: str, value: str | None, actor) -> None:
    """Store (or clear, with None) a setting, audited as ``setting.changed``; flushes, never commits."""
    row = db.session.get(SiteSetting, key)
    if row is None:
        row = SiteSetting(key=key)
        db.session.add(row)
    if row.value == value and row.updated_at is not None:
        return
    row.value = value
    row.updated_at = utcnow()
    row.updated_by_id = getattr(actor, "id", None)
    audit("setting.changed", target=key, detail=value or "", actor=actor)
    db.session.flush()
