"""Password reset by email: no account enumeration, single-use 1-hour link, other sessions die."""
from __future__ import annotations

import re
import time
from datetime import timedelta
from urllib.parse import urlsplit

from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import func, select

from network_space.accounts.models import User
from network_space.accounts.tokens import RESET_SALT, password_fingerprint
from network_space.core.audit import AuditEntry
from network_space.core.outbox import OutboxMessage, deliver_pending
from network_space.extensions import db
from tests.conftest import PASSWORD
from tests.helpers import csrf_token, links_in

NEW = "nouveau mot de passe solide"


def _request(client, email):
    page = client.get("/password/forgot").get_data(as_text=True)
    return client.post("/password/forgot", data={"csrf_token": csrf_token(page), "email": email}, follow_redirects=True)


def _reset_path(app, smtp, email):
    with app.app_context():
        deliver_pending()
    text = smtp.to(email)[-1].get_body(("plain",)).get_content()
    return urlsplit([l for l in links_in(text) if "/password/reset/" in l][0]).path


def _login(client, email, password, remember=False):
    page = client.get("/login").get_data(as_text=True)
    data = {"csrf_token": csrf_token(page), "email": email, "password": password}
    if remember:
        data["remember"] = "y"
    return client.post("/login", data=data)


def test_same_answer_for_known_and_unknown_addresses(app, client, make_user):
    user = make_user()
    known = _request(client, user.email)
    unknown = _request(app.test_client(), "personne@example.org")
    assert known.status_code == unknown.status_code == 200

    def message(response):
        body = response.get_data(as_text=True)
        return re.sub(r'value="[^"]*"', "", body)  # CSRF tokens differ, nothing else may

    assert message(known) == message(unknown)
    assert "Si cette adresse correspond" in message(known)
    with app.app_context():
        assert [m.recipient for m in db.session.scalars(select(OutboxMessage))] == [user.email]


def test_reset_end_to_end_single_use_and_other_sessions_logged_out(app, client, make_user, smtp):
    user = make_user()
    other_device = app.test_client()
    assert _login(other_device, user.email, PASSWORD, remember=True).status_code == 302
    assert other_device.get("/").status_code == 200

    _request(client, user.email.upper())
    path = _reset_path(app, smtp, user.email)
    page = client.get(path)
    assert page.status_code == 200
    short = client.post(path, data={"csrf_token": csrf_token(page.get_data(as_text=True)), "password": "court", "confirm": "court"})
    assert "au moins 12 caractères" in short.get_data(as_text=True)
    done = client.post(path, data={"csrf_token": csrf_token(page.get_data(as_text=True)), "password": NEW, "confirm": NEW})
    assert done.status_code == 302 and "/login" in done.headers["Location"]

    # The link died with the old password; the other device (even with its remember-me cookie) is out.
    used = client.get(path)
    assert used.status_code == 400 and "a expiré, a déjà servi" in used.get_data(as_text=True)
    assert other_device.get("/").status_code == 302
    assert _login(client, user.email, PASSWORD).status_code == 200
    assert _login(client, user.email, NEW).status_code == 302
    with app.app_context():
        actions = set(db.session.scalars(select(AuditEntry.action)))
        assert {"password.reset_requested", "password.reset"} <= actions
        deliver_pending()
    # The owner is told by email (a mandatory security notice).
    notice = smtp.to(user.email)[-1]
    assert "a été modifié" in notice.get_body(("plain",)).get_content()


class SignedTwoHoursAgo(TimestampSigner):
    """Past the one-hour limit of a reset link."""

    def get_timestamp(self) -> int:
        return int(time.time()) - 7200


def test_expired_and_forged_reset_links(app, client, make_user):
    user = make_user()
    with app.app_context():
        stored = db.session.get(User, user.id)
        payload = [stored.id, password_fingerprint(stored.password_hash)]
        old = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=RESET_SALT, signer=SignedTwoHoursAgo).dumps(payload)
        forged = URLSafeTimedSerializer("another-key", salt=RESET_SALT).dumps(payload)
    for token in (old, forged, "n-importe-quoi", "a" * 300):
        response = client.get(f"/password/reset/{token}")
        assert response.status_code == 400
        assert "Lien de réinitialisation invalide" in response.get_data(as_text=True)


def test_deactivated_account_gets_no_reset_mail(app, client, make_user):
    user = make_user(active=False)
    _request(client, user.email)
    with app.app_context():
        assert db.session.scalar(select(db.func.count(OutboxMessage.id))) == 0


def test_one_reset_email_per_interval_whatever_the_requests(app, client, make_user):
    """Held in the database, so it holds across gunicorn workers and servers (the in-memory
    rate limiter counts per process): many requests queue one email, until the interval passes."""
    user = make_user()
    for _ in range(20):
        page = client.get("/password/forgot").get_data(as_text=True)
        client.post("/password/forgot", data={"csrf_token": csrf_token(page), "email": user.email.upper()})

    def queued() -> int:
        return db.session.scalar(select(func.count(OutboxMessage.id)).where(
            OutboxMessage.recipient == user.email, OutboxMessage.kind == "account.password_reset"))

    with app.app_context():
        assert queued() == 1
        account = db.session.get(User, user.id)
        account.password_reset_requested_at -= timedelta(minutes=app.config["PASSWORD_RESET_INTERVAL_MINUTES"])
        db.session.commit()
    page = client.get("/password/forgot").get_data(as_text=True)
    client.post("/password/forgot", data={"csrf_token": csrf_token(page), "email": user.email})
    with app.app_context():
        assert queued() == 2
