"""Links that differ by their query string only (the options of a filter panel) are written by
core.urls.with_query, which must write exactly what url_for writes: url_for is the oracle."""
from __future__ import annotations

import pytest
from flask import url_for

from network_space.core.urls import with_query

ARGUMENTS = [
    {},
    {"kind": "esat"},
    {"q": "clauses sociales", "page": 2},
    {"q": "insertion & handicap = 100 % ? #1", "sort": "date"},
    {"q": "Saint-Martin-d'Hères (Isère) — BTP, « voirie »: 5/5 @mairie; ok!*$"},
    {"category": ["Marchés publics", "Guides"], "tag": ("ESAT", "EA"), "type": None},
    {"sector": [], "territory": None},
    {"commune": "Échirolles", "deleted": None, "number": 0},
]


@pytest.mark.parametrize("args", ARGUMENTS)
@pytest.mark.parametrize("endpoint", ["directory.index", "library.index"])
def test_with_query_writes_what_url_for_writes(app, endpoint, args):
    with app.test_request_context("/"):
        assert with_query(url_for(endpoint), args) == url_for(endpoint, **args)
