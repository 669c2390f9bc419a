"""Who may do what with accounts: the directory, invitations, profiles, administration."""
from __future__ import annotations

from network_space.accounts.services import may_invite_role
from network_space.core.permissions import ROLE_COANIMATOR, ROLE_MEMBER, has_role, rule


@rule("members.view")
def _view_members(user, obj) -> bool:
    return has_role(user, ROLE_MEMBER)


@rule("invitations.manage")
def _manage_invitations(user, obj) -> bool:
    return has_role(user, ROLE_COANIMATOR)


@rule("invitations.invite_role")
def _invite_role(user, role) -> bool:
    return may_invite_role(user, role)


@rule("profile.edit")
def _edit_profile(user, profile) -> bool:
    return has_role(user, ROLE_MEMBER) and profile is not None and profile.id == user.id
