"""Pagination of SELECT statements with a page number read defensively from the query string."""
from __future__ import annotations

from flask import request

from network_space.extensions import db

MAX_PAGE = 10_000


def page_arg(name: str = "page") -> int:
    """The requested page, 1 for anything that is not a sensible positive number."""
    raw = request.args.get(name, "1")
    try:
        page = int(raw)
    except ValueError:
        return 1
    return min(max(page, 1), MAX_PAGE)


def paginate(select, per_page: int = 25):
    return db.paginate(select, page=page_arg(), per_page=per_page, error_out=False, max_per_page=100)
