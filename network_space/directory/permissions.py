"""Who may do what in the directory. Every logged-in account is a member, so the member rules
are mostly "is an active member"; they exist so a future partner-guest role fails closed."""
from __future__ import annotations

from network_space.core.permissions import ROLE_ADMIN, ROLE_COANIMATOR, ROLE_MEMBER, has_role, rule


@rule("directory.view")
def _view(user, obj) -> bool:
    return has_role(user, ROLE_MEMBER)


@rule("directory.edit")
def _edit(user, obj) -> bool:
    return has_role(user, ROLE_MEMBER)


@rule("directory.notes")
def _notes(user, obj) -> bool:
    """Internal notes: members only, never shown to anyone else (e.g. in a public export)."""
    return has_role(user, ROLE_MEMBER)


@rule("directory.export")
def _export(user, obj) -> bool:
    return has_role(user, ROLE_MEMBER)


@rule("directory.history")
def _history(user, obj) -> bool:
    return has_role(user, ROLE_COANIMATOR)


@rule("directory.revert")
def _revert(user, obj) -> bool:
    return has_role(user, ROLE_COANIMATOR)


@rule("directory.archive")
def _archive(user, obj) -> bool:
    return has_role(user, ROLE_COANIMATOR)


@rule("directory.import")
def _import(user, obj) -> bool:
    return has_role(user, ROLE_COANIMATOR)


@rule("directory.kinds")
def _kinds(user, obj) -> bool:
    return has_role(user, ROLE_ADMIN)
