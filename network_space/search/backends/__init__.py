"""Search engines behind one interface (as Wagtail's search backends: one interface, several
engines, one test suite run against each). SEARCH_BACKEND chooses one:

- ``whoosh`` (default): an embedded index in files (SEARCH_INDEX_DIR), a cache rebuilt from the
  database and kept current through the search_queue table, applied after each commit;
- ``postgresql``: the search_document table of the site's own PostgreSQL database, written in
  the same transaction as the change, for several application servers sharing one database.

The registry (register_search_type, to_document, can_view), the re-check of every hit against
the database and permissions, and the results pages are the same whichever the engine:
engine.search() asks the backend for one page of stored documents, the totals, facet counts and
suggestion, then re-checks the hits itself.
"""
from __future__ import annotations

import importlib
from typing import Callable

from flask import current_app
from sqlalchemy.orm import Session

BACKENDS = {"whoosh": "network_space.search.backends.whoosh",
            "postgresql": "network_space.search.backends.postgresql"}


class SearchBackend:
    """What an engine provides. Methods run in an application context."""

    name = ""
    # True: changes are queued in search_queue and applied after the commit (and by the worker);
    # False: write_in_transaction() writes them before the commit, in the same transaction.
    queued = True

    def check_app(self, app) -> None:
        """Refuse a configuration this engine cannot run with (at start-up)."""

    def run(self, results, text: str, user, kinds: list[str], facets: dict[str, list[str]],
            facet_fields: tuple[str, ...]) -> list[tuple[dict, str]] | None:
        """Search: fill ``results.total``, ``results.page`` (kept within the pages),
        ``results.facets`` (every (value, count) of each of ``facet_fields``) and
        ``results.suggestion``; return the page's (stored fields, snippet HTML) pairs, best or
        newest first as ``results.sort`` says. None: the engine cannot answer now (index missing,
        damaged, not set up); the page says so instead of failing.

        ``text`` is already cleaned (engine.clean_query); ``facets`` holds only facet fields,
        tags lower-cased; members (not co-animators) only get documents of the member audience."""
        raise NotImplementedError

    def write_in_transaction(self, session: Session, pairs: set[tuple[str, int]]) -> None:
        """Write the documents of these (kind, id) pairs in the session's transaction, before it
        commits (only for engines that are not ``queued``)."""
        raise NotImplementedError

    def rebuild(self, progress: Callable[[int], None] | None = None) -> dict[str, int]:
        """Index every object again from the database while the site keeps answering; returns
        the number of documents per kind. ``progress(n)`` is called as objects are read."""
        raise NotImplementedError

    def indexed_counts(self) -> dict[str, int] | None:
        """Documents per kind in the engine, None when it cannot be read."""
        raise NotImplementedError

    def status_lines(self) -> list[str]:
        """What `flask search status` tells about the engine itself (where, size, backlog)."""
        return []

    def worker_round(self) -> int:
        """The worker's "search" task: what the engine does in the background; returns the
        number of changes applied."""
        return 0

    def clear(self) -> None:
        """Forget every document (an operator starting over before a rebuild; tests)."""
        raise NotImplementedError


_instances: dict[str, SearchBackend] = {}


def get_backend(name: str | None = None) -> SearchBackend:
    """The engine SEARCH_BACKEND names (or ``name``)."""
    name = name or current_app.config["SEARCH_BACKEND"]
    backend = _instances.get(name)
    if backend is None:
        if name not in BACKENDS:
            raise ValueError(f"SEARCH_BACKEND={name!r}: expected one of {', '.join(BACKENDS)}")
        backend = _instances[name] = importlib.import_module(BACKENDS[name]).Backend()
    return backend
