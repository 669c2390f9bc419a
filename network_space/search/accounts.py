"""Members and structures in the site-wide search (the accounts domain's search documents).

Kept here rather than in accounts/ so that accounts needs no change: the types watch their
models' fields, so every create, edit or deactivation is queued automatically at flush time.
"""
from __future__ import annotations

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from network_space.core.permissions import ROLE_MEMBER, has_role


def _endpoint(name: str) -> bool:
    return name in current_app.view_functions


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
    if _endpoint("accounts.member"):
        return url_for("accounts.member", user_id=user.id)
    return "#"


def can_view_member(viewer, user) -> bool:
    return has_role(viewer, ROLE_MEMBER) and user.active


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
    if _endpoint("accounts.directory"):
        return url_for("accounts.directory", structure=structure.id)
    return "#"


def can_view_structure(viewer, structure) -> bool:
    return has_role(viewer, ROLE_MEMBER) and structure.active


def register() -> None:
    from network_space.accounts.models import Structure, User
    from network_space.search.registry import register_search_type

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
