"""Notifications and email: the outbox, the worker, notify() (see services.py)."""
