"""Who may do what in the library."""
from __future__ import annotations

from sqlalchemy import false, true

from network_space.core.permissions import ROLE_ADMIN, ROLE_COANIMATOR, ROLE_MEMBER, has_role, rule
from network_space.library.models import VISIBILITY_COANIMATORS, Resource


def may_view(user, resource) -> bool:
    if not has_role(user, ROLE_MEMBER) or resource is None:
        return False
    return resource.visibility != VISIBILITY_COANIMATORS or has_role(user, ROLE_COANIMATOR)


def visible_clause(user):
    """SQL twin of may_view, for lists."""
    if not has_role(user, ROLE_MEMBER):
        return false()
    return true() if has_role(user, ROLE_COANIMATOR) else Resource.visibility != VISIBILITY_COANIMATORS


@rule("library.view")
def _view(user, resource) -> bool:
    return may_view(user, resource)


@rule("library.create")
def _create(user, obj) -> bool:
    return has_role(user, ROLE_MEMBER)


@rule("library.edit")
def _edit(user, resource) -> bool:
    """The author and the co-animators (who curate the library); also sees extraction errors."""
    if not may_view(user, resource):
        return False
    return resource.author_id == user.id or has_role(user, ROLE_COANIMATOR)


@rule("library.delete")
def _delete(user, resource) -> bool:
    return _edit(user, resource)


@rule("library.comment")
def _comment(user, resource) -> bool:
    return may_view(user, resource)


@rule("library.restrict")
def _restrict(user, resource) -> bool:
    """Choosing "co-animators only" is for co-animators."""
    return has_role(user, ROLE_COANIMATOR)


@rule("library.categories")
def _categories(user, obj) -> bool:
    return has_role(user, ROLE_ADMIN)
