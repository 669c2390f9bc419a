"""English never reaches a French user on an error path: WTForms' built-in messages, CSRF
failures and the error pages (400, 403, 404, 405, 413, 429, 500)."""
from __future__ import annotations

import pytest
from flask import abort

from network_space import create_app
from tests.helpers import csrf_token

ENGLISH = ("This field is required", "Not a valid", "Invalid", "CSRF token", "Bad Request", "Not Found",
           "Forbidden", "Method Not Allowed", "Request Entity Too Large", "Too Many Requests",
           "Internal Server Error")


def _assert_french_page(body: str):
    assert '<html lang="fr">' in body and "css/site.css" in body  # the site's layout, styled
    found = [text for text in ENGLISH if text in body]
    assert not found, found


def test_wtforms_builtin_messages_are_french_and_the_site_s(client, login_as):
    # The library form's date field has no message of its own: the site's forms speak their words
    # for WTForms' messages (core/forms), not WTForms' catalogue ("N'est pas une date valide.").
    login_as("member")
    token = csrf_token(client.get("/library/new").get_data(as_text=True))
    response = client.post("/library/new", data={"csrf_token": token, "kind": "note", "title": "",
                                                  "body": "Texte", "review_by": "pas une date"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Indiquez un titre." in body and "Indiquez une date valide (jour, mois, année)." in body
    assert "N&#39;est pas une date valide." not in body
    assert 'value="pas une date"' in body
    _assert_french_page(body)


def test_wtforms_default_required_message_is_french(app):
    from flask_wtf import FlaskForm
    from wtforms import IntegerField, StringField
    from wtforms.validators import DataRequired, Email

    class Probe(FlaskForm):
        class Meta:
            csrf = False

        name = StringField(validators=[DataRequired()])
        email = StringField(validators=[Email()])
        number = IntegerField()

    with app.test_request_context("/", method="POST", data={"name": "", "email": "x", "number": "abc"}):
        form = Probe()
        assert not form.validate()
        assert form.errors == {"name": ["Ce champ est requis."], "email": ["Adresse électronique non valide."],
                               "number": ["N'est pas un entier valide."]}


@pytest.mark.parametrize("token", [None, "", "faux-jeton"])
def test_bad_csrf_token_gives_a_french_page(client, login_as, token):
    login_as("member")
    data = {"title": "Mon titre", "kind": "note", "body": "Texte"}
    if token is not None:
        data["csrf_token"] = token
    response = client.post("/library/new", data=data)
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "Le formulaire a expiré" in body
    _assert_french_page(body)


def test_a_refused_form_gives_back_what_was_typed(client, login_as):
    """A session lost while someone writes (logged out in another tab) must not lose the text."""
    login_as("member")
    text = "Ligne 1 <b>gras</b>\nLigne 2 : 570 heures d'insertion"
    response = client.post("/library/new", data={
        "csrf_token": "périmé", "kind": "note", "title": "Mon bilan", "body": text, "category_id": "3",
        "password": "secret-ne-pas-montrer",
    }, headers={"Referer": "http://localhost/library/new"})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "rien n'a été enregistré" in body and "Ce que vous aviez saisi" in body
    assert "Mon bilan" in body
    assert "Ligne 1 &lt;b&gt;gras&lt;/b&gt;\nLigne 2 : 570 heures d&#39;insertion" in body  # escaped, whole
    assert "secret-ne-pas-montrer" not in body and "périmé" not in body
    assert 'href="http://localhost/library/new"' in body and "Revenir au formulaire" in body
    # Another site's page is not linked back to.
    other = client.post("/library/new", data={"title": "x"}, headers={"Referer": "https://ailleurs.example/"})
    assert "ailleurs.example" not in other.get_data(as_text=True)


def test_the_address_of_an_action_opened_as_a_page_leads_to_its_page(client, login_as):
    """A refused form is shown again at the address it was posted to (/discussions/15/repondre);
    opened later from the history, that address leads to the page it belongs to, not to a 405."""
    login_as("member")
    response = client.get("/library/1/comments")
    assert response.status_code == 303 and response.headers["Location"] == "/library/1"
    assert client.get("/logout").status_code == 405  # nothing nearer than the home page: said so
    assert client.post("/library/1").status_code == 405  # a post where none is taken: said so


def test_real_error_pages_are_french(client, login_as):
    login_as("member")
    for method, path, code in (("GET", "/nulle-part", 404), ("GET", "/logout", 405), ("GET", "/admin/members", 403)):
        response = client.open(path, method=method)
        assert response.status_code == code, path
        _assert_french_page(response.get_data(as_text=True))


@pytest.fixture(scope="module")
def bare_app(tmp_path_factory):
    """An app of its own, to add failing routes and shrink the upload limit."""
    base = tmp_path_factory.mktemp("errors")
    application = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{base / 'db.sqlite'}",
                             DATA_DIR=str(base / "data"), SEARCH_INDEX_DIR=str(base / "index"),
                             MAX_UPLOAD_MB=0, MAX_REQUEST_MB=1, PROPAGATE_TEST_ERRORS=False)

    @application.route("/_abort/<int:code>")
    def _abort(code):
        abort(code)

    @application.route("/_crash")
    def _crash():
        raise RuntimeError("boom")

    return application


@pytest.mark.parametrize("code,title", [(400, "Requête invalide"), (403, "Accès refusé"), (404, "Page introuvable"),
                                        (405, "Méthode non autorisée"), (413, "Fichier trop volumineux"),
                                        (429, "Trop de tentatives"), (500, "Erreur du serveur")])
def test_every_error_page_is_french_and_styled(bare_app, code, title):
    response = bare_app.test_client().get(f"/_abort/{code}")
    assert response.status_code == code
    body = response.get_data(as_text=True)
    assert title in body and f"Erreur {code}" in body
    _assert_french_page(body)


def test_unexpected_exception_and_oversized_body_pages(bare_app):
    client = bare_app.test_client()
    crash = client.get("/_crash")
    assert crash.status_code == 500 and "Erreur du serveur" in crash.get_data(as_text=True)
    _assert_french_page(crash.get_data(as_text=True))
    too_big = client.post("/login", data={"email": "a@b.fr", "password": "x" * (2 * 1024 * 1024)})
    assert too_big.status_code == 413
    _assert_french_page(too_big.get_data(as_text=True))
