"""Notifications and email: the outbox, the worker, notify() (see services.py)."""
from __future__ import annotations


def init_app(app) -> None:
    from network_space.notifications import outbox  # noqa: F401
    from network_space.notifications.worker import worker_command

    app.cli.add_command(worker_command)
