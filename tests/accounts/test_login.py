"""Login hardening: lock-out per account and per address, no account enumeration, deactivated
accounts, next= only to this site, CSRF, remember-me."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from network_space.accounts.models import LoginAttempt
from network_space.extensions import db
from tests.conftest import PASSWORD
from tests.helpers import csrf_token


def _login(client, email, password, next_url=None, remember=False, environ=None):
    environ = environ or {}
    page = client.get("/login", environ_base=environ).get_data(as_text=True)
    data = {"csrf_token": csrf_token(page), "email": email, "password": password}
    if remember:
        data["remember"] = "y"
    url = "/login" + (f"?next={next_url}" if next_url is not None else "")
    return client.post(url, data=data, environ_base=environ)


def _flash(response) -> str:
    body = response.get_data(as_text=True)
    start = body.index('class="flashes"')
    return body[start:body.index("</div>", start)]


def test_login_and_logout(client, make_user):
    user = make_user()
    response = _login(client, user.email.upper(), PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    token = csrf_token(client.get("/").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/").status_code == 302


def test_signing_out_everywhere_ends_every_session_and_copied_cookie(app, client, make_user):
    """A session lives in a signed cookie: "Se déconnecter" forgets it in this browser, and a copy
    taken before (another device, a cookie stolen on a shared computer) would still open the site.
    "Se déconnecter partout" ends them all, "remember me" included."""
    user = make_user()
    other_device = app.test_client()
    _login(other_device, user.email, PASSWORD, remember=True)
    assert other_device.get("/profile").status_code == 200
    _login(client, user.email, PASSWORD)
    copied = client.get_cookie("session").value
    profile = client.get("/profile").get_data(as_text=True)
    assert "Se déconnecter partout" in profile
    response = client.post("/logout/everywhere", data={"csrf_token": csrf_token(profile)})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert "Vous êtes déconnecté·e de tous vos appareils." in client.get("/login").get_data(as_text=True)
    assert client.get("/profile").status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/profile").status_code == 302
    assert other_device.get("/profile").status_code == 302  # its session and its remember-me cookie


def test_errors_never_reveal_whether_an_account_exists(client, make_user):
    user = make_user()
    wrong_password = _login(client, user.email, "mauvais mot de passe")
    unknown = _login(client, "inconnu@example.org", "mauvais mot de passe")
    assert wrong_password.status_code == unknown.status_code == 200
    assert _flash(wrong_password) == _flash(unknown)
    assert "Adresse email ou mot de passe incorrect" in _flash(unknown)


def test_deactivated_account_cannot_log_in(client, make_user):
    user = make_user(active=False)
    response = _login(client, user.email, PASSWORD)
    assert response.status_code == 200
    assert "Adresse email ou mot de passe incorrect" in _flash(response)
    assert client.get("/").status_code == 302


def test_account_lockout_after_repeated_failures(app, client, make_user):
    user = make_user()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        _login(client, user.email, "mauvais mot de passe")
    locked = _login(client, user.email, PASSWORD)  # even the right password is refused now
    assert locked.status_code == 200 and "Trop de tentatives" in _flash(locked)
    # Unknown addresses lock the same way: the lock-out tells nothing either.
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        _login(client, "inconnu@example.org", "x" * 12)
    assert "Trop de tentatives" in _flash(_login(client, "inconnu@example.org", "x" * 12))
    # Other accounts are not affected by one account's lock-out.
    other = make_user()
    assert _login(app.test_client(), other.email, PASSWORD).status_code == 302


def test_per_address_cap_across_accounts(app, client, make_user):
    user = make_user()
    spray = {"REMOTE_ADDR": "203.0.113.9"}
    for n in range(app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"]):
        _login(client, f"cible{n}@example.org", "mauvais mot de passe", environ=spray)
    blocked = _login(client, user.email, PASSWORD, environ=spray)
    assert "Trop de tentatives" in _flash(blocked)
    # Another address still logs in to the same account.
    assert _login(app.test_client(), user.email, PASSWORD, environ={"REMOTE_ADDR": "198.51.100.7"}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(db.func.count(LoginAttempt.id)).where(LoginAttempt.ip_address == "203.0.113.9")) > 1


@pytest.mark.parametrize("target", [
    "//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)",
    "http:/evil.example", "/%0d%0aevil", "\\\\evil.example",
])
def test_next_redirects_only_to_this_site(client, make_user, target):
    user = make_user()
    response = _login(client, user.email, PASSWORD, next_url=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_next_to_a_page_of_this_site_is_followed(client, make_user):
    user = make_user()
    response = _login(client, user.email, PASSWORD, next_url="/members/?q=a")
    assert response.headers["Location"] == "/members/?q=a"


def test_post_without_csrf_token_is_refused_in_french(client, make_user):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "Le formulaire a expiré ou n" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_remember_me_cookie(app, make_user):
    user = make_user()
    plain = app.test_client()
    response = _login(plain, user.email, PASSWORD)
    assert "remember_token" not in " ".join(response.headers.getlist("Set-Cookie"))
    remembered = app.test_client()
    response = _login(remembered, user.email, PASSWORD, remember=True)
    cookie = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token=")]
    assert cookie and "HttpOnly" in cookie[0] and "Expires" in cookie[0]
    # The remember cookie alone (session gone) logs the member back in.
    remembered.delete_cookie("session", domain="localhost")
    assert remembered.get("/").status_code == 200


def test_old_login_attempts_are_purged_by_the_worker(app):
    from datetime import timedelta

    from network_space.core.models import utcnow
    from network_space.core.worker import run_once

    with app.app_context():
        db.session.add_all([
            LoginAttempt(email="old@example.org", created_at=utcnow() - timedelta(days=40)),
            LoginAttempt(email="new@example.org", created_at=utcnow() - timedelta(days=1)),
        ])
        db.session.commit()
        results = run_once()
        assert results["retention"]["LOGIN_ATTEMPT_RETENTION_DAYS"] == 1
        assert list(db.session.scalars(select(LoginAttempt.email))) == ["new@example.org"]


def test_a_colleague_s_typos_do_not_lock_out_the_office(app, client, make_user):
    """Failures are counted per account, and per client address only across accounts: one member
    mistyping their password many times behind the office's address locks their account, not
    their colleagues'."""
    office = {"REMOTE_ADDR": "192.0.2.44"}
    clumsy, colleague = make_user(), make_user()
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] + 5):
        _login(client, clumsy.email, "mauvais mot de passe", environ=office)
    assert "Trop de tentatives" in _flash(_login(client, clumsy.email, PASSWORD, environ=office))
    assert _login(app.test_client(), colleague.email, PASSWORD, environ=office).status_code == 302


@pytest.mark.parametrize("hops, seen", [(0, "10.0.0.1"), (1, "203.0.113.50")])
def test_the_client_address_behind_a_proxy(app, hops, seen):
    """PROXY_HOPS trusted proxies: the lock-out, the rate limits and the audit log see the
    address the proxy forwards; without it, a forged X-Forwarded-For is ignored."""
    from network_space import create_app
    from network_space.extensions import client_address

    site = create_app("testing", PROXY_HOPS=hops, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                      DATA_DIR=app.config["DATA_DIR"], SEARCH_INDEX_DIR=app.config["SEARCH_INDEX_DIR"])
    site.add_url_rule("/_client_address", "client_address", client_address)
    response = site.test_client().get("/_client_address", environ_base={"REMOTE_ADDR": "10.0.0.1"},
                                      headers={"X-Forwarded-For": "203.0.113.50"})
    assert response.get_data(as_text=True) == seen
