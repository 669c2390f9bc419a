"""Addresses: a safe "next" target, and links that differ only by their query string."""
from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode, urlsplit

# The characters werkzeug leaves unescaped in a query string it builds (url_for's extra arguments).
_QUERY_SAFE = "!$'()*,/:;?@"


def is_safe_next(target: str | None) -> bool:
    """Only relative paths on this site: no scheme, no host, no protocol-relative '//' or '\\'."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and not any(ord(c) < 32 for c in target)


def with_query(url: str, args: Mapping) -> str:
    """``url`` (from url_for, without a query string) with ``args`` as its query string, written as
    url_for writes the arguments that are not part of the route: a list repeats its name, None is
    left out. A filter panel links each of its dozens of options to the same page with other
    arguments: one url_for for the page, then this, at a third of url_for's cost per link."""
    pairs = [(name, value) for name, values in args.items()
             for value in (values if isinstance(values, (list, tuple)) else (values,)) if value is not None]
    return f"{url}?{urlencode(pairs, safe=_QUERY_SAFE)}" if pairs else url


def init_app(app) -> None:
    app.jinja_env.globals["with_query"] = with_query
