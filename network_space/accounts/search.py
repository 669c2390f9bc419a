"""Members and structures in the site-wide search. The types watch their models' fields, so every
create, edit or deactivation is queued automatically at flush time."""
from __future__ import annotations

from flask import url_for
from sqlalchemy.orm import selectinload

from network_space.accounts.models import Structure, User
from network_space.core.i18n import lazy_gettext as _l
from network_space.core.permissions import can
from network_space.search import register_search_type


def member_document(user) -> dict | None:
    if not user.active:
        return None
    structure = user.structure.name if user.structure else ""
    territories = [t.label for t in user.territories]
    return {
        "title": user.full_name,
        "summary": " · ".join(filter(None, [user.job_title, structure])),
        "body": " ".join(filter(None, [user.bio, " ".join(territories)])),
        "subtype": user.role,
        "territory": territories[0] if len(territories) == 1 else "",
        "date": user.created_at,
    }


def member_url(user) -> str:
    return url_for("accounts.member", user_id=user.id)


def can_view_member(viewer, user) -> bool:
    return can("members.view", user, user=viewer) and user.active


def structure_document(structure) -> dict | None:
    if not structure.active:
        return None
    return {
        "title": structure.name,
        "summary": structure.address or "",
        "subtype": structure.kind,
        "territory": structure.territory.label if structure.territory else "",
        "date": structure.created_at,
    }


def structure_url(structure) -> str:
    return url_for("accounts.directory", structure=structure.id)


def can_view_structure(viewer, structure) -> bool:
    return can("members.view", structure, user=viewer) and structure.active


def register() -> None:
    register_search_type(
        "accounts.member", _l("Membre"), User, member_document, can_view_member, member_url,
        watch=("full_name", "job_title", "bio", "structure_id", "active", "role", "territories"),
        load_options=(selectinload(User.structure), selectinload(User.territories)),
    )
    register_search_type(
        "accounts.structure", _l("Structure"), Structure, structure_document, can_view_structure, structure_url,
        watch=("name", "kind", "address", "territory_id", "active"),
        load_options=(selectinload(Structure.territory),),
    )
