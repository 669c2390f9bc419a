"""A database that goes away mid-request: a change already committed is never reported as an
error (the member would make it again), and the error page itself needs no database.

The outage is simulated here on both databases (every statement refused from a given moment);
tests/core/test_worker_restart.py stops a real PostgreSQL server under the worker."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from network_space.extensions import db
from tests.helpers import csrf_token, outage


@pytest.fixture
def production_errors(app, monkeypatch):
    """Errors handled as in production, not raised into the test."""
    monkeypatch.setitem(app.config, "PROPAGATE_TEST_ERRORS", False)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)


def test_a_comment_saved_before_the_database_went_away_is_not_an_error(app, client, login_as, production_errors):
    from network_space.library import services
    from network_space.library.models import Category, Resource, ResourceComment

    member = login_as("member")
    with app.app_context():
        services.ensure_defaults()
        resource = services.create_resource(db.session.get(type(member), member.id), {
            "kind": "note", "title": "Guide", "body": "…", "category_id": db.session.scalar(select(Category.id)),
            "tags": [], "sector_ids": [], "visibility": "members"})
        db.session.commit()
        resource_id = resource.id
    page = client.get(f"/library/{resource_id}")
    with outage(app) as state:
        state["after_commit"] = True
        response = client.post(f"/library/{resource_id}/comments", headers={"Referer": f"http://localhost/library/{resource_id}"},
                               data={"csrf_token": csrf_token(page.get_data(as_text=True)), "body": "Très utile"})
        assert state["down"]
    body = response.get_data(as_text=True)
    assert response.status_code == 200, body
    assert "Modification enregistrée" in body and "Inutile de la refaire" in body
    assert f'href="http://localhost/library/{resource_id}"' in body
    assert '<html lang="fr">' in body and "css/site.css" in body
    with app.app_context():
        assert db.session.scalars(select(ResourceComment.body)).all() == ["Très utile"]
        assert db.session.get(Resource, resource_id) is not None


def test_the_error_page_renders_without_the_database(app, client, login_as, production_errors):
    login_as("member")  # a signed-in member: the usual layout would load them and their notifications
    with outage(app) as state:
        state["down"] = True
        response = client.get("/")
    body = response.get_data(as_text=True)
    # Not an unexpected error: the database is away, and will be back in a moment.
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    assert "Site momentanément indisponible" in body and "Erreur 503" in body and "Réessayez dans un instant" in body
    assert '<html lang="fr">' in body and "css/site.css" in body
    assert "Se déconnecter" not in body  # the member's menu needs the database


def test_a_refused_write_is_still_an_error(app, client, login_as, production_errors):
    """Only a committed change is reported as saved: a write whose commit fails is an error."""
    login_as("member")
    page = client.get("/profile")
    with outage(app) as state:
        state["down"] = True
        response = client.post("/profile/edit", data={"csrf_token": csrf_token(page.get_data(as_text=True)),
                                                 "full_name": "Nouveau Nom", "language": "fr"})
    assert response.status_code == 503
    body = response.get_data(as_text=True)
    assert "Modification enregistrée" not in body and "rien n'a été enregistré" in body
    assert "Nouveau Nom" in body  # what the form carried, shown back for copying
