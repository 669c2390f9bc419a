"""Input hygiene at the request boundary: oversized ids and NUL characters never reach the database."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("path", ["/members/99999999999999999999", "/members/2147483648"])
def test_ids_beyond_database_integers_are_404(login_as, client, path):
    login_as("member")
    assert client.get(path).status_code == 404


def test_nul_characters_are_stripped_from_query_and_form(app, login_as, client):
    from flask import request

    from network_space.core.http import int_arg

    with app.test_request_context("/?q=ab%00c&n=12%00", method="POST", data={"name": "Ma\x00rie"}):
        assert request.args["q"] == "abc"
        assert request.form["name"] == "Marie"
        assert int_arg("n") == 12
    login_as("member")
    assert client.get("/members/?q=Mar%00ie").status_code == 200


def test_int_arg_is_defensive(app):
    from network_space.core.http import int_arg

    with app.test_request_context("/?a=7&b=-3&c=abc&d=99999999999&e="):
        assert int_arg("a") == 7
        assert int_arg("b") is None
        assert int_arg("c", 1) == 1
        assert int_arg("d") is None
        assert int_arg("e") is None
        assert int_arg("missing", 5) == 5
