"""The one place that answers "may this user do this (to that object)?".

Each domain registers its rules here at import time with ``@rule("action")``; views call
``require()``, templates call ``can()``, search results are filtered with ``can()`` too.
Unknown actions are refused, so a forgotten rule fails closed.
"""
from __future__ import annotations

from typing import Any, Callable

from flask import abort
from flask_login import current_user
from werkzeug.local import LocalProxy

ROLE_MEMBER = "member"
ROLE_COANIMATOR = "coanimator"
ROLE_ADMIN = "admin"
ROLES = (ROLE_MEMBER, ROLE_COANIMATOR, ROLE_ADMIN)
_RANK = {ROLE_MEMBER: 1, ROLE_COANIMATOR: 2, ROLE_ADMIN: 3}

Rule = Callable[[Any, Any], bool]
_rules: dict[str, Rule] = {}


def rule(action: str) -> Callable[[Rule], Rule]:
    def decorator(fn: Rule) -> Rule:
        if action in _rules:
            raise RuntimeError(f"permission rule {action!r} registered twice")
        _rules[action] = fn
        return fn

    return decorator


def has_role(user, role: str) -> bool:
    """True when the user is an active member with at least this role."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    return _RANK.get(user.role, 0) >= _RANK[role]


def unproxied(user: Any) -> Any:
    """The member behind Flask-Login's ``current_user`` proxy (anything else as given). Each
    attribute read through the proxy looks the member up again (~2.9 µs, against 0.4 µs on the
    object itself), and a page asks who its reader is dozens of times (the menu's and the panels'
    permissions, the statements' bound values): they resolve it once."""
    return user._get_current_object() if isinstance(user, LocalProxy) else user


def has_rule(action: str) -> bool:
    return action in _rules


def can(action: str, obj: Any = None, user: Any = None) -> bool:
    user = unproxied(current_user if user is None else user)
    check = _rules.get(action)
    if check is None:
        raise KeyError(f"no permission rule for {action!r}")
    return bool(check(user, obj))


def require(action: str, obj: Any = None) -> None:
    if not can(action, obj):
        abort(403)


# Rules every domain relies on.
@rule("member")
def _member(user, obj) -> bool:
    return has_role(user, ROLE_MEMBER)


@rule("coanimator")
def _coanimator(user, obj) -> bool:
    return has_role(user, ROLE_COANIMATOR)


@rule("admin")
def _admin(user, obj) -> bool:
    return has_role(user, ROLE_ADMIN)


def init_app(app) -> None:
    app.jinja_env.globals["can"] = can
