"""Pagination of SELECT statements with a page number read defensively from the query string.

A statement built once (core/statements.py) is paginated with its bound values: its page and its
count statements are derived once too (limit and offset bound), instead of being derived, and their
cache keys computed, at each request as Flask-SQLAlchemy's ``paginate`` does. The page object is
Flask-SQLAlchemy's own ``Pagination`` (the templates use its ``items``, ``pages``, ``iter_pages``…):
its documented extension point, a subclass implementing ``_query_items`` and ``_query_count``, is
used here and nowhere else; ``tests/core/test_pagination.py`` compares it with ``db.paginate``."""
from __future__ import annotations

import functools

from flask import abort, redirect, request
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import lazyload

from network_space.core.http import int_arg
from network_space.core.urls import with_query
from network_space.extensions import db

MAX_PAGE = 10_000
MAX_PER_PAGE = 100


def page_arg(name: str = "page") -> int:
    """The requested page, 1 for anything that is not a positive number; at most MAX_PAGE."""
    return min(int_arg(name, 1), MAX_PAGE)


def paginate(statement: Select, per_page: int = 25, values: dict | None = None) -> Pagination:
    """The requested page of ``statement``. ``values``: the bound values of a statement built once.
    A page past the last one (a bookmark of a list that shrank, a number typed) leads to the last."""
    if values is None:
        page = db.paginate(statement, page=page_arg(), per_page=per_page, error_out=False, max_per_page=MAX_PER_PAGE)
    else:
        page = _BuiltOncePagination(page=page_arg(), per_page=per_page, max_per_page=MAX_PER_PAGE, error_out=False,
                                    statement=statement, values=values)
    if page.pages and page.page > page.pages:
        abort(redirect(with_query(request.path, {**request.args.to_dict(flat=False), "page": page.pages}), 302))
    return page


@functools.lru_cache(maxsize=256)  # one pair per statement built once: a few dozen
def _derived(statement: Select) -> tuple[Select, Select]:
    """The page and the count statements of a statement built once."""
    page = statement.limit(bindparam("page_limit")).offset(bindparam("page_offset"))
    count = select(func.count()).select_from(statement.options(lazyload("*")).order_by(None).subquery())
    return page, count


class _BuiltOncePagination(Pagination):
    def _query_items(self) -> list:
        page, _count = _derived(self._query_args["statement"])
        values = {**self._query_args["values"], "page_limit": self.per_page, "page_offset": self._query_offset}
        return list(db.session.execute(page, values).unique().scalars())

    def _query_count(self) -> int:
        _page, count = _derived(self._query_args["statement"])
        return db.session.execute(count, self._query_args["values"]).scalar()
