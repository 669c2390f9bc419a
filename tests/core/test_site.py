from __future__ import annotations


def test_pages_are_french_and_members_only(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="fr">' in page
    assert "Connexion" in page


def test_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_session_cookie_flags(client, make_user):
    from tests.conftest import PASSWORD
    from tests.helpers import csrf_token

    user = make_user()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_french_404_page(login_as, client):
    login_as("member")
    response = client.get("/nulle-part")
    assert response.status_code == 404
    assert "Page introuvable" in response.get_data(as_text=True)


def test_healthz_reports_database_and_backlog(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "outbox": {"pending": 0, "failed": 0}}


def test_production_refuses_default_secret_key(monkeypatch):
    import pytest

    from network_space import create_app

    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(RuntimeError):
        create_app("production")
