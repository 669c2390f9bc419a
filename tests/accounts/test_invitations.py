"""Invitation flow end to end through real SMTP: invite, follow the emailed link, join, logged in."""
from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import select

from network_space.accounts.models import Invitation, Structure, User
from network_space.core.audit import AuditEntry
from network_space.core.outbox import deliver_pending
from network_space.extensions import db
from tests.helpers import csrf_token, links_in

NEW_PASSWORD = "une phrase assez longue"


def _structure(app, name="GIP Test") -> int:
    with app.app_context():
        structure = Structure(name=name, kind="gip")
        db.session.add(structure)
        db.session.commit()
        return structure.id


def _invite(client, email, role="member", structure_id=None, message=""):
    page = client.get("/admin/invitations").get_data(as_text=True)
    return client.post("/admin/invitations", data={
        "csrf_token": csrf_token(page), "email": email, "role": role,
        "structure": structure_id, "message": message,
    }, follow_redirects=True)


def _link_from_mail(app, smtp, address):
    with app.app_context():
        deliver_pending()
    message = smtp.to(address)[-1]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    link = [l for l in links_in(text) if "/invitation/" in l][0]
    assert link in html
    return urlsplit(link).path, message


def _accept(client, path, name="Nouvelle Facilitatrice", password=NEW_PASSWORD, confirm=None):
    page = client.get(path).get_data(as_text=True)
    return client.post(path, data={"csrf_token": csrf_token(page), "full_name": name, "password": password,
                                   "confirm": password if confirm is None else confirm})


def test_invitation_end_to_end_through_smtp(app, client, login_as, smtp):
    structure_id = _structure(app)
    inviter = login_as("coanimator", full_name="Claire Co-anim")
    response = _invite(client, "Nouvelle@Example.org", structure_id=structure_id, message="Bienvenue au réseau !")
    assert "Invitation envoyée à nouvelle@example.org" in response.get_data(as_text=True)

    path, message = _link_from_mail(app, smtp, "nouvelle@example.org")
    assert message.is_multipart() and "Invitation" in message["Subject"]
    assert "Bienvenue au réseau !" in message.get_body(("plain",)).get_content()
    assert "Claire Co-anim" in message.get_body(("html",)).get_content()

    client.post("/logout", data={"csrf_token": csrf_token(client.get("/").get_data(as_text=True))})
    page = client.get(path).get_data(as_text=True)
    assert "GIP Test" in page and "nouvelle@example.org" in page
    response = _accept(client, path)
    assert response.status_code == 302
    # Landed logged in.
    profile = client.get("/profile").get_data(as_text=True)
    assert "Nouvelle Facilitatrice" in profile and "GIP Test" in profile
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "nouvelle@example.org"))
        assert user.role == "member" and user.structure_id == structure_id
        invitation = db.session.scalar(select(Invitation))
        assert invitation.status == "accepted" and invitation.accepted_user_id == user.id
        assert invitation.invited_by_id == inviter.id
        actions = set(db.session.scalars(select(AuditEntry.action)))
        assert {"invitation.sent", "invitation.accepted"} <= actions
    # The link is single-use.
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/").get_data(as_text=True))})
    again = client.get(path)
    assert again.status_code == 410 and "déjà été acceptée" in again.get_data(as_text=True)


def test_password_rules_on_acceptance(app, client, login_as, smtp):
    login_as("admin")
    _invite(client, "x@example.org", structure_id=_structure(app))
    path, _ = _link_from_mail(app, smtp, "x@example.org")
    client = app.test_client()
    short = _accept(client, path, password="court")
    assert short.status_code == 200 and "au moins 12 caractères" in short.get_data(as_text=True)
    mismatch = _accept(client, path, confirm="autre chose encore")
    assert "ne correspondent pas" in mismatch.get_data(as_text=True)
    long_name = _accept(client, path, name="N" * 500)
    body = long_name.get_data(as_text=True)
    assert "120 caractères au maximum" in body and "N" * 500 in body  # input kept
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "x@example.org")) is None


def test_resend_kills_old_link_and_revoke(app, client, login_as, smtp):
    login_as("coanimator")
    _invite(client, "r@example.org", structure_id=_structure(app))
    old_path, _ = _link_from_mail(app, smtp, "r@example.org")
    with app.app_context():
        invitation_id = db.session.scalar(select(Invitation.id))
    page = client.get("/admin/invitations").get_data(as_text=True)
    client.post(f"/admin/invitations/{invitation_id}/resend", data={"csrf_token": csrf_token(page)})
    new_path, _ = _link_from_mail(app, smtp, "r@example.org")
    assert new_path != old_path
    assert client.get(old_path).status_code == 400
    assert client.get(new_path).status_code in (200, 302)  # valid (logged-in visitor sees the form)

    client.post(f"/admin/invitations/{invitation_id}/revoke", data={"csrf_token": csrf_token(page)})
    client = app.test_client()
    revoked = client.get(new_path)
    assert revoked.status_code == 410 and "annulée" in revoked.get_data(as_text=True)


def test_expired_and_forged_links(app, client, login_as, smtp):
    login_as("coanimator")
    _invite(client, "e@example.org", structure_id=_structure(app))
    path, _ = _link_from_mail(app, smtp, "e@example.org")
    with app.app_context():
        invitation = db.session.scalar(select(Invitation))
        invitation.expires_at -= timedelta(days=8)
        db.session.commit()
    client = app.test_client()
    expired = client.get(path)
    assert expired.status_code == 410 and "a expiré" in expired.get_data(as_text=True)
    token = csrf_token(client.get("/login").get_data(as_text=True))
    posted = client.post(path, data={"csrf_token": token, "full_name": "X", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert posted.status_code == 410
    for forged in ("/invitation/abc", "/invitation/" + path.rsplit("/", 1)[1][:-3] + "xyz", "/invitation/%00%ff"):
        response = client.get(forged)
        assert response.status_code == 400
        assert "invitation invalide" in response.get_data(as_text=True)


def test_existing_member_and_duplicate_pending_are_refused(app, client, login_as, make_user):
    make_user(email="deja@example.org")
    login_as("coanimator")
    structure_id = _structure(app)
    body = _invite(client, "DEJA@example.org", structure_id=structure_id).get_data(as_text=True)
    assert "correspond déjà à un membre" in body
    _invite(client, "p@example.org", structure_id=structure_id)
    body = _invite(client, "p@example.org", structure_id=structure_id).get_data(as_text=True)
    assert "déjà en attente" in body
    with app.app_context():
        assert db.session.scalar(select(db.func.count(Invitation.id))) == 1


def test_only_admins_invite_admins(app, client, login_as):
    login_as("coanimator")
    structure_id = _structure(app)
    page = client.get("/admin/invitations").get_data(as_text=True)
    assert 'value="admin"' not in page
    _invite(client, "boss@example.org", role="admin", structure_id=structure_id)
    with app.app_context():
        assert db.session.scalar(select(Invitation)) is None
    login_as("admin")
    _invite(client, "boss@example.org", role="admin", structure_id=structure_id)
    with app.app_context():
        assert db.session.scalar(select(Invitation.role)) == "admin"


def test_members_cannot_invite_and_there_is_no_signup(app, client, login_as):
    login_as("member")
    assert client.get("/admin/invitations").status_code == 403
    assert client.post("/admin/invitations", data={"email": "a@example.org"}).status_code in (400, 403)
    client = app.test_client()
    for path in ("/register", "/signup", "/inscription"):
        assert client.get(path).status_code in (302, 404)
    assert not re.search(r"inscri(re|ption)</a>", client.get("/login").get_data(as_text=True), re.I)
