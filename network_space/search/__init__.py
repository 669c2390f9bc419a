"""Full-text search: the only code that imports Whoosh.

A domain makes its objects searchable in its init_app()::

    from network_space.search import register_search_type

    register_search_type(
        "library.resource",            # kind: unique, also the ?type= value of /search
        _l("Ressource"),               # label shown beside results and in the type filter
        Resource,                      # SQLAlchemy model with an integer ``id``
        to_document,                   # obj -> dict | None (None: not in the index)
        can_view,                      # (user, obj) -> bool, checked on every hit at query time
        url,                           # obj -> str, the link of a result (url_for)
        watch=("title", "summary"),    # optional: queue automatically when these change
        load_options=(selectinload(Resource.tags),),  # optional, for building documents in bulk
        hit_options=(joinedload(Resource.category),),  # optional, for showing results
    )

``to_document(obj)`` returns a dict with any of: ``title``, ``summary``, ``body`` (long text,
e.g. a file's extracted text: snippets are taken from it), ``tags`` (list of str), ``category``,
``subtype``, ``sectors`` (list), ``territory`` (facet values, str), ``author`` (str), ``date``
(datetime or date: "newest first" and the year facet), ``audience`` ("member", the default, or
"coanimator": hidden from members already in the index; can_view() still decides).

Keeping the index current — call in the same transaction as the change, then commit::

    from network_space.search import enqueue
    enqueue("library.resource", resource.id)   # create, update AND delete alike

The pair is written to the search_queue table; after commit it is applied to the index (writer
lock timeout SEARCH_LOCK_TIMEOUT seconds, see config.py); whatever could not be applied is drained
by the worker task "search". Results never show a deleted object or one the user may not see:
each hit is re-loaded from the database and passed through can_view().

Querying::

    from network_space.search import search
    results = search(q, current_user, kinds=["library.resource"],
                     facets={"category": ["Guides et méthodes"], "tags": ["bailleurs"]},
                     facet_fields=("category", "subtype", "tags", "sectors", "territory", "year"),
                     page=2, per_page=20, sort="relevance" | "date")
    results.available   # False: index missing or damaged ("index en cours de reconstruction")
    results.total, results.pages, results.hits  # Hit(kind, label, obj, title, url, snippet, date, fields)
    results.facets      # {"category": [(value, count), ...], ...}
    results.suggestion  # "did you mean" text, or None

An empty query lists everything the user may see, newest first. Any user text is accepted
(unbalanced quotes, lone operators, ``*``): parsing never raises. ET/OU/SAUF work like AND/OR/NOT.

Operators: ``flask search reindex`` (rebuild into a new directory and swap atomically; the site
keeps answering), ``flask search status`` (index vs database counts, queue length).
"""
from __future__ import annotations

from network_space.search.engine import SearchResults, search  # noqa: F401
from network_space.search.queue import enqueue  # noqa: F401
from network_space.search.registry import register_search_type  # noqa: F401


def init_app(app) -> None:
    from network_space.search import models, queue  # noqa: F401 - models: the queue table
    from network_space.search.cli import search_cli
    from network_space.search.views import bp

    queue.install_hooks()
    app.register_blueprint(bp)
    app.cli.add_command(search_cli)
