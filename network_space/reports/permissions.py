"""Who may see the network's figures."""
from __future__ import annotations

from network_space.core.permissions import ROLE_COANIMATOR, ROLE_MEMBER, has_role, rule


@rule("reports.view_coverage")
def _view_coverage(user, obj) -> bool:
    """Every member: who covers which territory is what the network is about."""
    return has_role(user, ROLE_MEMBER)


@rule("reports.view_activity")
def _view_activity(user, obj) -> bool:
    """The co-animators, who present it to the Département and the DDETS."""
    return has_role(user, ROLE_COANIMATOR)
