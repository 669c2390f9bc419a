"""Every write to the directory: create, update, archive, revert, and the history they leave.

Each write records an OrganisationRevision with the field-by-field diff (human-readable values,
so the history stays readable after a kind or territory is renamed or deleted) and the raw
snapshot of the new state (what a revert restores). Writes flush; the view commits
(core/transactions.py).
"""
from __future__ import annotations

import json
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from network_space.accounts.models import Territory, User, user_territory
from network_space.directory.search import enqueue_organisation
from network_space.directory.models import (
    SERVICE_TYPES,
    Organisation,
    OrganisationContact,
    OrganisationKind,
    OrganisationRevision,
    OrganisationService,
)
from network_space.core.transactions import Refusal
from network_space.directory.siret import format_siret
from network_space.extensions import db
from network_space.library.models import Sector
from network_space.notifications.services import followers_of, notify
from network_space.core.dates import paris_today
from network_space.core.models import utcnow
from network_space.core.i18n import lazy_gettext as _l

# The fields of an organisation as a form, an import or a revert sets them, in display order.
FIELD_LABELS: dict[str, Any] = {
    "name": _l("Nom"),
    "trade_name": _l("Nom commercial"),
    "kind": _l("Type"),
    "siret": _l("SIRET"),
    "address": _l("Adresse"),
    "postcode": _l("Code postal"),
    "commune": _l("Commune"),
    "territory": _l("Territoire (EPCI)"),
    "phone": _l("Téléphone"),
    "email": _l("Email"),
    "website": _l("Site web"),
    "contacts": _l("Personnes à contacter"),
    "sectors": _l("Secteurs d'activité"),
    "services": _l("Types de prestation"),
    "whole_departement": _l("Intervient sur tout le département"),
    "served_territories": _l("Territoires d'intervention"),
    "workforce": _l("Effectif"),
    "reserved_l2113_12": _l("Éligible L2113-12"),
    "reserved_l2113_13": _l("Éligible L2113-13"),
    "description": _l("Présentation"),
    "internal_notes": _l("Notes internes"),
    "last_checked_on": _l("Dernière vérification le"),
    "last_checked_by": _l("Vérifié par"),
    "active": _l("Active"),
}
SCALAR_FIELDS = (
    "name", "trade_name", "siret", "address", "postcode", "commune", "phone", "email", "website",
    "whole_departement", "workforce", "reserved_l2113_12", "reserved_l2113_13", "description",
    "internal_notes", "active",
)
CONTACT_FIELDS = ("name", "role", "email", "phone")


class DirectoryError(Refusal):
    """A write refused for a reason the user can fix; the message is French."""


# --- snapshots and diffs -------------------------------------------------------------------

def snapshot(org: Organisation) -> dict:
    """The raw, JSON-serialisable state of an organisation (ids for related rows)."""
    data = {name: getattr(org, name) for name in SCALAR_FIELDS}
    data.update(
        kind=org.kind_id,
        territory=org.territory_id,
        served_territories=sorted(t.id for t in org.served_territories),
        sectors=sorted(s.id for s in org.sectors),
        services=sorted(org.service_codes),
        contacts=[{key: getattr(c, key) or "" for key in CONTACT_FIELDS} for c in org.contacts],
        last_checked_on=org.last_checked_on.isoformat() if org.last_checked_on else None,
        last_checked_by=org.last_checked_by_id,
    )
    return data


def _yes_no(value) -> str:
    return _("oui") if value else _("non")


def display_values(org: Organisation) -> dict[str, str]:
    """The same state as text, for the history."""
    values = {name: "" if getattr(org, name) is None else str(getattr(org, name)) for name in SCALAR_FIELDS}
    for name in ("whole_departement", "reserved_l2113_12", "reserved_l2113_13", "active"):
        values[name] = _yes_no(getattr(org, name))
    values.update(
        siret=format_siret(org.siret),
        kind=org.kind.name if org.kind else "",
        territory=org.territory.name if org.territory else "",
        served_territories=", ".join(t.name for t in org.served_territories),
        sectors=", ".join(s.name for s in org.sectors),
        services=", ".join(org.service_labels),
        contacts="\n".join(
            " · ".join(getattr(c, key) for key in CONTACT_FIELDS if getattr(c, key)) for c in org.contacts
        ),
        last_checked_on=org.last_checked_on.strftime("%d/%m/%Y") if org.last_checked_on else "",
        last_checked_by=org.last_checked_by.full_name if org.last_checked_by else "",
    )
    return values


def _record(org: Organisation, actor: User | None, action: str, before: tuple[dict, dict] | None,
            reverted_from: OrganisationRevision | None = None) -> OrganisationRevision | None:
    try:
        db.session.flush()
    except IntegrityError as error:
        # A concurrent save took the same SIRET between check_siret_free() and this write.
        db.session.rollback()
        raise DirectoryError(_("Ce SIRET est déjà dans l'annuaire."), field="siret") from error
    raw_after, shown_after = snapshot(org), display_values(org)
    if before is None:
        changes = {k: ["", shown_after[k]] for k in FIELD_LABELS if shown_after.get(k) not in ("", _("non"))}
    else:
        raw_before, shown_before = before
        changes = {k: [shown_before[k], shown_after[k]] for k in FIELD_LABELS if raw_before.get(k) != raw_after.get(k)}
        if not changes:
            return None
    revision = OrganisationRevision(
        organisation_id=org.id,
        actor_id=getattr(actor, "id", None),
        action=action,
        reverted_from_id=getattr(reverted_from, "id", None),
        changes_json=json.dumps(changes, ensure_ascii=False),
        snapshot_json=json.dumps(raw_after, ensure_ascii=False),
    )
    db.session.add(revision)
    return revision


# --- writes --------------------------------------------------------------------------------

def check_siret_free(siret: str | None, org: Organisation | None = None) -> None:
    if not siret:
        return
    query = select(Organisation.id, Organisation.name).where(Organisation.siret == siret)
    if org is not None and org.id is not None:
        query = query.where(Organisation.id != org.id)
    other = db.session.execute(query).first()
    if other:
        raise DirectoryError(_("Le SIRET %(siret)s est déjà celui de « %(name)s ».",
                               siret=format_siret(siret), name=other.name), field="siret")


def _apply(org: Organisation, data: dict) -> None:
    """Set the fields present in ``data`` (a form, an import row or a snapshot turned into objects)."""
    for name in SCALAR_FIELDS:
        if name in data:
            setattr(org, name, data[name])
    if "kind" in data:
        org.kind = data["kind"]
    if "territory" in data:
        org.territory = data["territory"]
    if "served_territories" in data:
        org.served_territories = list(data["served_territories"])
    if "sectors" in data:
        org.sectors = list(data["sectors"])
    # Services and contacts are rows of their own: replaced only when they differ, and then the
    # organisation's version moves (core/models.TimestampMixin), as for a change to its columns.
    if "services" in data:
        wanted = [code for code in SERVICE_TYPES if code in set(data["services"])]
        if set(wanted) != {service.code for service in org.services}:
            existing = {service.code: service for service in org.services}
            org.services = [existing.get(code) or OrganisationService(code=code) for code in wanted]
            org.updated_at = utcnow()
    if "contacts" in data:
        wanted = [{key: ((contact.get(key) or "").strip() or None) for key in CONTACT_FIELDS}
                  for contact in data["contacts"] if (contact.get("name") or "").strip()]
        if wanted != [{key: getattr(contact, key) for key in CONTACT_FIELDS} for contact in org.contacts]:
            org.contacts = [OrganisationContact(position=i, **contact) for i, contact in enumerate(wanted)]
            org.updated_at = utcnow()
    if "last_checked_on" in data:
        org.last_checked_on = data["last_checked_on"]
    if "last_checked_by" in data:
        org.last_checked_by = data["last_checked_by"]


def _territory_members(org: Organisation) -> list[User]:
    """The members attached to the organisation's territory or to one it serves: they are the
    "followers" of those territories (a member's territories are where they work)."""
    ids = {t.id for t in org.served_territories}
    if org.territory_id:
        ids.add(org.territory_id)
    if not ids:
        return []
    return list(db.session.scalars(
        select(User).join(user_territory, user_territory.c.user_id == User.id)
        .where(user_territory.c.territory_id.in_(ids), User.active.is_(True)).distinct()
    ))


def _notify(org: Organisation, actor: User | None, revision: OrganisationRevision) -> None:
    recipients = {user.id: user for user in followers_of(org) + _territory_members(org)}
    territories = set(org.served_territories) | ({org.territory} if org.territory else set())
    for territory in territories:  # members who follow the territory explicitly
        recipients.update((user.id, user) for user in followers_of(territory))
    if revision.action == "create":
        notify("directory.new_organisation", recipients.values(), org, actor=actor,
               message=_l("%(kind)s ajouté·e à l'annuaire des partenaires.", kind=org.kind.name))
    else:
        changed = ", ".join(str(FIELD_LABELS[name]) for name in revision.changes if name in FIELD_LABELS
                            and name != "internal_notes")
        if changed:
            notify("directory.updated", recipients.values(), org, actor=actor,
                   message=_l("Modifié : %(fields)s.", fields=changed))


def _after_write(org: Organisation, actor: User | None, revision: OrganisationRevision, notify_members: bool) -> None:
    """Search indexing and notifications, in the caller's transaction."""
    enqueue_organisation(org)
    if notify_members:
        _notify(org, actor, revision)


def create_organisation(data: dict, actor: User | None, action: str = "create", notify_members: bool = True) -> Organisation:
    if not (data.get("name") or "").strip():
        raise DirectoryError(_("Le nom est obligatoire."))
    if data.get("kind") is None:
        raise DirectoryError(_("Le type est obligatoire."))
    check_siret_free(data.get("siret"))
    org = Organisation(created_by=actor, active=True, whole_departement=False,
                       reserved_l2113_12=False, reserved_l2113_13=False)
    _apply(org, data)
    db.session.add(org)
    revision = _record(org, actor, action, None)
    _after_write(org, actor, revision, notify_members)
    return org


def update_organisation(org: Organisation, data: dict, actor: User | None, action: str = "update",
                        reverted_from: OrganisationRevision | None = None,
                        notify_members: bool = True) -> OrganisationRevision | None:
    """Apply the changes; returns the new revision, or None when nothing changed."""
    if "name" in data and not (data["name"] or "").strip():
        raise DirectoryError(_("Le nom est obligatoire."))
    if "siret" in data:
        check_siret_free(data["siret"], org)
    before = (snapshot(org), display_values(org))
    _apply(org, data)
    revision = _record(org, actor, action, before, reverted_from)
    if revision is not None:
        _after_write(org, actor, revision, notify_members)
    return revision


def mark_checked(org: Organisation, actor: User, today: date | None = None) -> OrganisationRevision | None:
    return update_organisation(org, {"last_checked_on": today or paris_today(),
                                     "last_checked_by": actor}, actor)


def set_active(org: Organisation, active: bool, actor: User) -> OrganisationRevision | None:
    return update_organisation(org, {"active": active}, actor)


def revert_to(org: Organisation, revision: OrganisationRevision, actor: User) -> OrganisationRevision | None:
    """Restore the state saved in ``revision``; itself a new revision. Related rows deleted since
    (a kind, a territory, a member) are left as they are now."""
    try:
        return _revert_to(org, revision, actor)
    except DirectoryError as error:
        raise DirectoryError(_("Retour impossible : %(reason)s", reason=error.message)) from error


def _revert_to(org: Organisation, revision: OrganisationRevision, actor: User) -> OrganisationRevision | None:
    if revision.organisation_id != org.id:
        raise DirectoryError(_("Cette version n'appartient pas à cette organisation."))
    state = revision.snapshot
    data: dict[str, Any] = {name: state[name] for name in SCALAR_FIELDS if name in state}
    kind = db.session.get(OrganisationKind, state.get("kind") or 0)
    if kind is not None:
        data["kind"] = kind
    if "territory" in state:
        data["territory"] = db.session.get(Territory, state["territory"]) if state["territory"] else None
    if "served_territories" in state:
        data["served_territories"] = _existing(Territory, state["served_territories"])
    if "sectors" in state:
        data["sectors"] = _existing(Sector, state["sectors"])
    for name in ("services", "contacts"):
        if name in state:
            data[name] = state[name]
    if "last_checked_on" in state:
        data["last_checked_on"] = date.fromisoformat(state["last_checked_on"]) if state["last_checked_on"] else None
    if "last_checked_by" in state:
        data["last_checked_by"] = db.session.get(User, state["last_checked_by"]) if state["last_checked_by"] else None
    return update_organisation(org, data, actor, action="revert", reverted_from=revision)


def _existing(model, ids: list[int]) -> list:
    if not ids:
        return []
    return list(db.session.scalars(select(model).where(model.id.in_(ids)).order_by(model.id)))


# --- kinds (admin) -------------------------------------------------------------------------

def save_kind(kind: OrganisationKind | None, name: str, group: str, slug: str, active: bool = True) -> OrganisationKind:
    slug = slug.lower()  # typed as the person likes; stored in one case (addresses, imports)
    duplicate = db.session.scalar(
        select(OrganisationKind).where((OrganisationKind.name == name) | (OrganisationKind.slug == slug))
    )
    if duplicate is not None and duplicate is not kind:
        raise DirectoryError(_("Un type porte déjà ce nom ou cet identifiant."), field="name")
    if kind is None:
        kind = OrganisationKind(position=1000)
        db.session.add(kind)
    kind.name, kind.group, kind.slug, kind.active = name, group, slug, active
    return kind
