"""Who may invite guests and manage their links: whoever manages the event's registrations or
edits the meeting (co-animators, the event's or meeting's organisers)."""
from __future__ import annotations

from network_space.core.permissions import can, rule
from network_space.events.models import Event


@rule("guests.manage")
def _manage(user, target) -> bool:
    if target is None:
        return False
    return can("events.manage_registrations" if isinstance(target, Event) else "meetings.edit", target, user)
