"""The hook through which higher domains follow membership changes, without accounts importing
them (layers: accounts ← feature domains). A member joined (accepted an invitation), was
deactivated or reactivated, or changed territories: accounts calls ``membership_changed(user)``
in the same transaction as the change; each listener, registered in its domain's ``init_app``
with ``@on_membership_change``, brings its own data up to date (e.g. meetings' invitees chosen by a
rule) and flushes, never commits."""
from __future__ import annotations

from typing import Callable

_listeners: list[Callable] = []


def on_membership_change(listener: Callable) -> Callable:
    """Register ``listener(user)``; registering the same function twice (app factory run again) is a no-op."""
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def membership_changed(user) -> None:
    for listener in _listeners:
        listener(user)
