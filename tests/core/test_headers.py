"""Response headers that protect members' data: HSTS in production, no-store on signed-in pages and
every download, one charset per Content-Type. (The GET sweep in test_hostile_input.py checks the
last two on every route of the site.)"""
from __future__ import annotations

import io

import pytest
from werkzeug.datastructures import FileStorage

from network_space.core.storage import CONTENT_TYPES, send_stored, store_upload
from network_space.library import samples


def test_production_sends_strict_transport_security(app, monkeypatch, tmp_path):
    from network_space import create_app

    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    production = create_app("production", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                            DATA_DIR=str(tmp_path), SEARCH_INDEX_DIR=str(tmp_path / "index"))
    response = production.test_client().get("/login", base_url="https://reseau.example.org")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    # Development and tests (plain HTTP) do not send it: a browser would refuse http:// afterwards.
    assert "Strict-Transport-Security" not in app.test_client().get("/login").headers


def test_signed_in_pages_are_not_stored_anonymous_ones_and_static_files_may_be(client, login_as):
    assert "no-store" not in client.get("/login").headers.get("Cache-Control", "")
    login_as("member")
    for url in ("/", "/profile", "/members/", "/notifications/"):
        assert client.get(url).headers["Cache-Control"] == "no-store", url
    static = client.get("/static/css/site.css")
    assert "no-store" not in static.headers.get("Cache-Control", "")
    static.close()


@pytest.mark.parametrize("extension", sorted(CONTENT_TYPES))
def test_stored_files_are_sent_with_one_charset_and_not_stored(ctx, extension):
    from flask import current_app

    content = {"pdf": lambda: samples.make_pdf(["Clause"]), "docx": lambda: samples.make_docx(["Clause"]),
               "xlsx": lambda: samples.make_xlsx([["Clause"]]), "pptx": lambda: samples.make_pptx([("A", "B")]),
               "odt": lambda: samples.make_odt(["Clause"]), "ods": lambda: samples.make_ods([["Clause"]]),
               "odp": lambda: samples.make_odp(["Clause"]), "png": lambda: samples.make_image("PNG"),
               "jpg": lambda: samples.make_image("JPEG"), "jpeg": lambda: samples.make_image("JPEG"),
               }.get(extension, lambda: "Clause d'insertion\n".encode())()
    stored = store_upload(FileStorage(stream=io.BytesIO(content), filename=f"fichier.{extension}"))
    with current_app.test_request_context("/", headers={"Cookie": ""}):
        from flask import session

        session["_user_id"] = "x"  # as for a signed-in member
        response = current_app.process_response(send_stored(stored.key, f"fichier.{extension}", extension))
    response.close()
    assert response.headers["Content-Type"] == CONTENT_TYPES[extension]
    assert response.headers["Content-Type"].count("charset") <= 1
    assert response.headers["Cache-Control"] == "no-store"
