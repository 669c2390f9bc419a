"""Who may write network announcements."""
from __future__ import annotations

from network_space.core.permissions import ROLE_COANIMATOR, has_role, rule


@rule("announcement.create")
def _create_announcement(user, obj) -> bool:
    return has_role(user, ROLE_COANIMATOR)
