"""The site-wide search page, /search?q=…&type=…"""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from network_space.core.pagination import page_arg
from network_space.search.engine import search
from network_space.search.registry import all_types, get_type

bp = Blueprint("search", __name__)


@bp.route("/search")
@login_required
def results():
    text = request.args.get("q", "", type=str)
    kind = request.args.get("type", "", type=str)
    kind = kind if get_type(kind) else ""
    # Counts per type come from the query without the type filter, so every type stays choosable.
    overview = search(text, current_user, facet_fields=("kind",), per_page=1) if text.strip() else None
    found = search(text, current_user, kinds=[kind] if kind else None, page=page_arg()) if text.strip() else None
    kind_counts = dict(overview.facets.get("kind", [])) if overview else {}
    types = [(t.kind, t.label, kind_counts.get(t.kind, 0)) for t in all_types()]
    return render_template("search/results.html", q=text, kind=kind, types=types, results=found,
                           unavailable=bool(found and not found.available))
