"""Statements built once per shape, executed at each request with the values that vary.

For the small statements of an ordinary page, SQLAlchemy's work before PostgreSQL sees the SQL costs
more than PostgreSQL's: the dashboard's meetings statement took 0.85 ms to build and 0.46 ms to
compute its cache key (the key of SQLAlchemy's compiled-SQL cache), then 0.65 ms to run. A statement
object keeps its key once computed, so a statement whose *shape* does not change from one request to
the next is built once and executed with bound parameters: the member (`Viewer`, `values`) and the
moment (`NOW`). The shape may depend on a few hashable arguments (the member's role, which decides what
a visibility clause looks like): one statement is kept per combination.

Only statements are kept, never rows: every page still reads its data at each request, in its own
transaction (docs/decisions/0014)."""
from __future__ import annotations

import functools
from typing import Callable, TypeVar

from sqlalchemy import bindparam

from network_space.core.models import UTCDateTime, utcnow
from network_space.core.permissions import unproxied

Build = TypeVar("Build", bound=Callable)

NOW = bindparam("now", type_=UTCDateTime())


class Viewer:
    """A member as a built-once statement sees them. The role is real and shapes the statement
    (``has_role`` works on a Viewer as on a member, so the domains' visibility clauses take either);
    what tells one member from another is a bound parameter, given at execution by ``values``."""

    is_authenticated = True
    id = bindparam("viewer_id")
    created_at = bindparam("viewer_joined", type_=UTCDateTime())

    def __init__(self, role: str | None):
        self.role = role
        self.is_active = role is not None


def shape_of(user) -> str | None:
    """What of ``user`` a built-once statement may depend on: an active member's role (None for
    anyone else, whom the visibility clauses refuse everything)."""
    user = unproxied(user)
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return None
    return user.role


def values(user) -> dict:
    """The bound values of a statement built for ``Viewer(shape_of(user))``, and the moment."""
    user = unproxied(user)
    return {"viewer_id": getattr(user, "id", None), "viewer_joined": getattr(user, "created_at", None),
            "now": utcnow()}


def built_once(build: Build) -> Build:
    """Decorator: ``build(*shape)`` runs once per combination of its (hashable, few) arguments and
    returns the same statement ever after. The statement must take what varies per request as bound
    parameters (Viewer, NOW, ``bindparam``), never as Python values: those would be kept in it."""
    return functools.cache(build)
