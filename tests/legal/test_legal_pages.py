"""The legal pages: public, linked from every footer, edited by admins through the one Markdown
function, the personal data page generated from the registry's retention settings."""
from __future__ import annotations

import html
import re

from sqlalchemy import select

from network_space.extensions import db
from tests.helpers import csrf_token

PAGES = {"/mentions-legales": "Mentions légales", "/donnees-personnelles": "Données personnelles",
         "/accessibilite": "Déclaration d'accessibilité"}


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _footer_links(page: str) -> list[str]:
    footer = page[page.index('<footer'):]
    return re.findall(r'href="([^"]+)"', footer)


def test_pages_are_public_and_linked_from_every_footer(client, login_as):
    for url, title in PAGES.items():
        response = client.get(url)
        assert response.status_code == 200 and f"<h1>{title}</h1>" in _text(response)
    login_page = _text(client.get("/login"))
    assert _footer_links(login_page) == list(PAGES)
    assert "Accessibilité : non conforme" in login_page
    login_as("member")
    assert _footer_links(_text(client.get("/"))) == list(PAGES)
    assert _footer_links(_text(client.get("/page-qui-n-existe-pas"))) == list(PAGES)


def test_accessibility_status_in_the_footer_follows_the_setting(app, client):
    app.config["ACCESSIBILITY_STATUS"] = "partiel"
    try:
        assert "Accessibilité : partiellement conforme" in _text(client.get("/login"))
    finally:
        app.config["ACCESSIBILITY_STATUS"] = "non"


def test_default_texts_mark_what_the_publisher_must_fill(client, login_as):
    for url in PAGES:
        assert "[À COMPLÉTER" in _text(client.get(url))
    assert "passages « À COMPLÉTER »" not in _text(client.get("/mentions-legales"))  # warning: admins only
    login_as("admin")
    assert "passages « À COMPLÉTER »" in _text(client.get("/mentions-legales"))
    accessibility = _text(client.get("/accessibilite"))
    for required in ("État de conformité", "non conforme", "Retour d'information et contact", "Voies de recours",
                     "Défenseur des droits"):
        assert required in accessibility


def test_personal_data_page_lists_the_registry_with_the_configured_periods(app, client):
    from network_space.core.privacy import entries

    app.config.update(NOTIFICATION_RETENTION_DAYS=45, DEACTIVATED_ACCOUNT_RETENTION_MONTHS=0, AUDIT_RETENTION_DAYS=1)
    try:
        page = _text(client.get("/donnees-personnelles"))
    finally:
        app.config.update(NOTIFICATION_RETENTION_DAYS=90, DEACTIVATED_ACCOUNT_RETENTION_MONTHS=24,
                          AUDIT_RETENTION_DAYS=365)
    for entry in entries():
        assert str(entry.label) in page and str(entry.legal_basis[0]) in page
    assert "Notifications lues : 45 jours" in page
    assert "Entrées du journal : 1 jour" in page
    assert "Comptes désactivés, effacés après : sans limite de durée" in page
    assert "Tentatives de connexion : 30 jours" in page
    for right in ("Télécharger mes données", "cnil.fr", "Responsable du traitement"):
        assert right in page


def test_admin_edits_a_page_through_the_markdown_function(app, client, login_as):
    from network_space.core.audit import AuditEntry

    login_as("admin")
    form = client.get("/admin/pages/mentions-legales")
    assert form.status_code == 200 and "[À COMPLÉTER : nom de l'organisme éditeur" in _text(form)
    token = csrf_token(form.get_data(as_text=True))
    body = "## Éditeur\n\nDépartement de l'Isère, **7 rue Fantin-Latour**, Grenoble.\n\n<script>alert(1)</script>"
    saved = client.post("/admin/pages/mentions-legales", data={"csrf_token": token, "body": body})
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/mentions-legales")
    page = client.get("/mentions-legales").get_data(as_text=True)
    assert "<strong>7 rue Fantin-Latour</strong>" in page and "<h2>Éditeur</h2>" in page
    assert "<script>alert(1)</script>" not in page and "À COMPLÉTER" not in page
    assert "Dernière mise à jour" in page
    assert "7 rue Fantin-Latour" in app.test_client().get("/mentions-legales").get_data(as_text=True)  # anyone

    reset = client.post("/admin/pages/mentions-legales", data={"csrf_token": token, "reset": "1"})
    assert reset.status_code == 302
    assert "[À COMPLÉTER" in _text(client.get("/mentions-legales"))
    with app.app_context():
        actions = list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.target == "mentions-legales")
                                          .order_by(AuditEntry.id)))
    assert actions == ["legal_page.updated", "legal_page.reset"]


def test_refused_texts_keep_what_was_typed(client, login_as):
    login_as("admin")
    token = csrf_token(client.get("/admin/pages/accessibilite").get_data(as_text=True))
    too_long = "Déclaration " + "x" * 100_000
    response = client.post("/admin/pages/accessibilite", data={"csrf_token": token, "body": too_long})
    assert response.status_code == 200
    page = _text(response)
    assert "100\u202f000 caractères au maximum" in page and too_long in page
    empty = _text(client.post("/admin/pages/accessibilite", data={"csrf_token": token, "body": "  "}))
    assert "ne peut pas être vide" in empty
    assert "[À COMPLÉTER" in _text(client.get("/accessibilite"))


def test_only_admins_edit(client, login_as):
    assert client.get("/admin/pages/donnees-personnelles").status_code == 302
    login_as("coanimator")
    assert client.get("/admin/pages/donnees-personnelles").status_code == 403
    assert "Modifier cette page" not in _text(client.get("/donnees-personnelles"))
    assert client.get("/admin/pages/autre-page").status_code == 404
