"""Audit log of admin and security events: who, what, when, from which address."""
from __future__ import annotations

from datetime import datetime

from flask import has_request_context
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import ForeignKey, String, Text, delete, or_, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from network_space.core.i18n import lazy_gettext as _l
from network_space.core.models import UTCDateTime, utcnow
from network_space.core.privacy import BASIS_SECURITY, Retention, register_personal_data
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


# --- What each action code means, in French: one registry that domains fill in their init_app ---

_action_labels: dict[str, object] = {}


def register_audit_actions(labels: dict) -> None:
    """Give the audit log page a French label for each action code a domain writes
    (``{"login.success": _l("Connexion réussie")}``)."""
    _action_labels.update(labels)


def audit_action_label(code: str) -> str:
    """The action's label; a code no domain registered shows as such, visibly, not as a blank."""
    label = _action_labels.get(code)
    return str(label) if label is not None else gettext("Action non décrite (%(code)s)", code=code)


def registered_audit_actions() -> set[str]:
    return set(_action_labels)


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


# --- Personal data (core/privacy.py) -------------------------------------------------------------

def erased_label(user_id: int) -> str:
    """How the log names an erased member: the fact stays, without who it was."""
    return gettext("Ancien membre n°%(id)d", id=user_id)


def _about(user):
    """Entries the member did, or that name them: their address (logins, account changes), an
    email sent to them ("address — subject") or their id."""
    return or_(
        AuditEntry.actor_id == user.id,
        AuditEntry.target == user.email,
        AuditEntry.target.startswith(f"{user.email} — ", autoescape=True),
        AuditEntry.target == f"user:{user.id}",
    )


def _theirs(entry, user) -> bool:
    """Whether the entry's IP address is the member's: what they did, or what was done without an
    account in their name (a login tried, a reset asked). What a colleague or an administrator did
    about them carries that person's address, which is not the member's data."""
    return entry.actor_id in (user.id, None)


def export_entries(user) -> dict:
    entries = db.session.scalars(select(AuditEntry).where(_about(user)).order_by(AuditEntry.id))
    return {"journal": [
        {"date": e.created_at, "action": audit_action_label(e.action), "objet": e.target, "detail": e.detail,
         "par_vous": e.actor_id == user.id, "adresse_ip": e.ip_address if _theirs(e, user) else None}
        for e in entries
    ]}


def forget_member(user) -> None:
    """The log keeps the facts (what was done, when) but no longer who: the member's address
    becomes "Ancien membre n°id" and their IP addresses are dropped (an administrator's, on what
    they did about the member, stay: the log answers for the administrators). The entries they
    made keep their actor id, whose row is anonymised."""
    label = erased_label(user.id)
    for entry in db.session.scalars(select(AuditEntry).where(_about(user))):
        if _theirs(entry, user):
            entry.ip_address = None
        if entry.target and entry.target.startswith(user.email):
            entry.target = (label + entry.target[len(user.email):])[:200]
        if entry.detail:
            entry.detail = entry.detail.replace(user.email, label)


def purge_entries(cutoff: datetime) -> int:
    return db.session.execute(delete(AuditEntry).where(AuditEntry.created_at < cutoff)).rowcount


def init_app(app) -> None:
    register_personal_data(
        "journal_audit", _l("Journal de sécurité et d'administration"), order=15,
        data=_l("Connexions et déconnexions, changements de mot de passe et de compte, actions "
                "d'administration : date, action, personne concernée, adresse IP."),
        purpose=_l("Détecter les intrusions et les abus, retracer qui a fait quoi dans l'administration du site."),
        legal_basis=(BASIS_SECURITY,),
        kept=_l("Les entrées sont supprimées à l'échéance ci-dessous ; à l'effacement d'un compte, elles sont "
                "conservées sans l'adresse ni l'adresse IP du membre."),
        export=export_entries, erase=forget_member,
        retentions=(Retention(_l("Entrées du journal"), "AUDIT_RETENTION_DAYS", purge_entries),),
    )
