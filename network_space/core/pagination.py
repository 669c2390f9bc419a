"""Pagination of SELECT statements with a page number read defensively from the query string."""
from __future__ import annotations

from network_space.core.http import int_arg
from network_space.extensions import db

MAX_PAGE = 10_000


def page_arg(name: str = "page") -> int:
    """The requested page, 1 for anything that is not a positive number; at most MAX_PAGE."""
    return min(int_arg(name, 1), MAX_PAGE)


def paginate(select, per_page: int = 25):
    return db.paginate(select, page=page_arg(), per_page=per_page, error_out=False, max_per_page=100)
