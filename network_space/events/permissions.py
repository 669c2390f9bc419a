"""Who may do what with events. Organisers listed on an event manage it like a co-animator."""
from __future__ import annotations

from network_space.core.permissions import ROLE_ADMIN, ROLE_COANIMATOR, ROLE_MEMBER, has_role, rule


@rule("events.view")
def _view(user, event) -> bool:
    return has_role(user, ROLE_MEMBER)


@rule("events.create")
def _create(user, obj) -> bool:
    return has_role(user, ROLE_COANIMATOR)


@rule("events.edit")
def _edit(user, event) -> bool:
    if has_role(user, ROLE_COANIMATOR):
        return True
    return event is not None and has_role(user, ROLE_MEMBER) and event.is_organiser(user)


@rule("events.manage_registrations")
def _manage(user, event) -> bool:
    return _edit(user, event)


@rule("events.kinds")
def _kinds(user, obj) -> bool:
    """The list of event kinds is a taxonomy, edited by admins (like the library categories)."""
    return has_role(user, ROLE_ADMIN)
