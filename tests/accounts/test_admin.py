"""Admin pages: members, structures, territories, audit log."""
from __future__ import annotations

import html as htmllib

from sqlalchemy import func, select

from network_space.accounts.models import Structure, Territory, User
from network_space.core.audit import AuditEntry
from network_space.extensions import db
from tests.conftest import PASSWORD
from tests.helpers import csrf_token


def _token(client, path="/admin/members"):
    return csrf_token(client.get(path).get_data(as_text=True))


def _actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_change_role_and_not_your_own(app, client, login_as, make_user):
    admin = login_as("admin")
    member = make_user()
    token = _token(client)
    client.post(f"/admin/members/{member.id}/role", data={"csrf_token": token, "role": "coanimator"})
    body = client.post(f"/admin/members/{admin.id}/role", data={"csrf_token": token, "role": "member"},
                       follow_redirects=True).get_data(as_text=True)
    assert "propre rôle" in body
    with app.app_context():
        assert db.session.get(User, member.id).role == "coanimator"
        assert db.session.get(User, admin.id).role == "admin"
        # The log's detail in words, as the audit page shows it (it read "member → coanimator").
        assert db.session.scalar(select(AuditEntry.detail).where(AuditEntry.action == "member.role_changed")) == \
            "Membre → Co-animateur·rice"
    assert "member.role_changed" in _actions(app)


def test_deactivate_logs_out_and_reactivate(app, client, login_as, make_user):
    member = make_user()
    session = app.test_client()
    page = session.get("/login").get_data(as_text=True)
    session.post("/login", data={"csrf_token": csrf_token(page), "email": member.email, "password": PASSWORD})
    assert session.get("/").status_code == 200

    admin = login_as("admin")
    token = _token(client)
    client.post(f"/admin/members/{member.id}/active", data={"csrf_token": token, "active": "0"})
    assert session.get("/").status_code == 302  # logged out at once
    assert member.full_name in client.get("/admin/members?state=inactive").get_data(as_text=True)
    body = client.post(f"/admin/members/{admin.id}/active", data={"csrf_token": token, "active": "0"},
                       follow_redirects=True).get_data(as_text=True)
    assert "propre compte" in body
    client.post(f"/admin/members/{member.id}/active", data={"csrf_token": token, "active": "1"})
    with app.app_context():
        assert db.session.get(User, member.id).active and db.session.get(User, admin.id).active
    assert {"member.deactivated", "member.reactivated"} <= set(_actions(app))


def test_structures_crud_and_refuse_delete_in_use(app, client, login_as, make_user):
    login_as("admin")
    token = _token(client, "/admin/structures/new")
    page = client.get("/admin/structures/new").get_data(as_text=True)
    assert "EPCI (intercommunalité)" in page and "Association" in page
    response = client.post("/admin/structures/new", data={"csrf_token": token, "name": "GIP Test", "kind": "gip",
                                                          "territory": "0", "website": "", "address": "", "active": "y"})
    assert response.status_code == 302
    duplicate = client.post("/admin/structures/new", data={"csrf_token": token, "name": "gip test", "kind": "gip", "territory": "0"})
    assert "déjà ce nom" in duplicate.get_data(as_text=True)
    bad = client.post("/admin/structures/new", data={"csrf_token": token, "name": "N" * 300, "kind": "pirate",
                                                     "territory": "abc", "website": "ftp://x"})
    assert bad.status_code == 200 and "200 caractères au maximum" in bad.get_data(as_text=True)
    with app.app_context():
        structure = db.session.scalar(select(Structure).where(Structure.name == "GIP Test"))
        structure_id = structure.id
    client.post(f"/admin/structures/{structure_id}", data={"csrf_token": token, "name": "GIP Renommé", "kind": "gip", "territory": "0"})
    make_user(structure_id=structure_id)
    refused = client.post(f"/admin/structures/{structure_id}/delete", data={"csrf_token": token}, follow_redirects=True)
    assert "ne peut pas être supprimée" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Structure, structure_id).name == "GIP Renommé"
        db.session.execute(User.__table__.update().values(structure_id=None))
        db.session.commit()
    client.post(f"/admin/structures/{structure_id}/delete", data={"csrf_token": token})
    with app.app_context():
        assert db.session.get(Structure, structure_id) is None
    assert {"structure.created", "structure.updated", "structure.deleted"} <= set(_actions(app))


def test_territories_crud_and_refuse_delete_in_use(app, client, login_as, make_user):
    login_as("admin")
    token = _token(client, "/admin/territories/new")
    client.post("/admin/territories/new", data={"csrf_token": token, "name": "CC Test", "short_name": "Test",
                                                "sector": "sud", "active": "y"})
    with app.app_context():
        territory = db.session.scalar(select(Territory).where(Territory.name == "CC Test"))
        territory_id = territory.id
        assert territory.sector == "sud" and territory.active
    bad = client.post("/admin/territories/new", data={"csrf_token": token, "name": "X", "sector": "est"})
    assert bad.status_code == 200
    client.post(f"/admin/territories/{territory_id}", data={"csrf_token": token, "name": "CC Test", "sector": "nord"})
    user = make_user()
    with app.app_context():
        db.session.get(User, user.id).territories = [db.session.get(Territory, territory_id)]
        db.session.commit()
    refused = client.post(f"/admin/territories/{territory_id}/delete", data={"csrf_token": token}, follow_redirects=True)
    assert "désactivez-le" in refused.get_data(as_text=True)
    with app.app_context():
        territory = db.session.get(Territory, territory_id)
        assert territory.sector == "nord" and not territory.active  # unchecked box = inactive
        db.session.get(User, user.id).territories = []
        # Anything else pointing at it counts too: an event of the territory (it would become the
        # whole département's, or point at the next territory created with the same id).
        from datetime import datetime, timezone

        from network_space.events.models import Event
        event = Event(title="Forum", kind="forum", territory_id=territory_id, status="planned", sequence=0,
                      starts_at=datetime(2027, 3, 1, 9, tzinfo=timezone.utc), ends_at=datetime(2027, 3, 1, 12, tzinfo=timezone.utc))
        db.session.add(event)
        db.session.commit()
        event_id = event.id
    refused = client.post(f"/admin/territories/{territory_id}/delete", data={"csrf_token": token}, follow_redirects=True)
    assert "désactivez-le" in refused.get_data(as_text=True)
    with app.app_context():
        db.session.delete(db.session.get(Event, event_id))
        db.session.commit()
    client.post(f"/admin/territories/{territory_id}/delete", data={"csrf_token": token})
    with app.app_context():
        assert db.session.get(Territory, territory_id) is None


def test_audit_log_lists_and_filters(app, client, login_as, make_user):
    login_as("admin")
    member = make_user()
    token = _token(client)
    client.post(f"/admin/members/{member.id}/role", data={"csrf_token": token, "role": "coanimator"})
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "member.role_changed" in page and member.email in page and "127.0.0.1" in page
    filtered = client.get("/admin/audit?action=login.success").get_data(as_text=True)
    assert member.email not in filtered
    assert client.get("/admin/audit?action=" + "x" * 500 + "&page=-3").status_code == 200


def test_coanimator_reaches_invitations_only(client, login_as):
    login_as("coanimator")
    assert client.get("/admin/invitations").status_code == 200
    for path in ("/admin/members", "/admin/structures", "/admin/territories", "/admin/emails", "/admin/audit"):
        assert client.get(path).status_code == 403
    nav = client.get("/").get_data(as_text=True)
    assert "Administration" not in nav


def test_a_territory_name_points_at_one_territory_only(app, client, login_as):
    """Imports and lists name a territory by its name or its short name: one already used by
    another, whatever the capitals and accents, or a comma (the imports' separator), is refused."""
    login_as("admin")
    token = _token(client, "/admin/territories/new")

    def create(name, short_name=""):
        return client.post("/admin/territories/new", data={"csrf_token": token, "name": name, "short_name": short_name,
                                                           "sector": "sud", "active": "y"})

    assert create("Communauté de communes Écrins", "Écrins").status_code == 302
    for name, short_name, message in (
            ("ÉCRINS", "", "« ÉCRINS » désigne déjà le territoire « Communauté de communes Écrins »"),
            ("CC Nouvelle", "ecrins", "« ecrins » désigne déjà le territoire « Communauté de communes Écrins »"),
            ("COMMUNAUTÉ DE COMMUNES ÉCRINS", "", "« COMMUNAUTÉ DE COMMUNES ÉCRINS » désigne déjà le territoire"),
            ("CC Oisans, Écrins", "", "Sans virgule ni point-virgule")):
        refused = create(name, short_name)
        assert refused.status_code == 200 and message in htmllib.unescape(refused.get_data(as_text=True)), name
    with app.app_context():
        assert db.session.scalar(select(func.count(Territory.id)).where(Territory.name.like("%crins%"))) == 1
    # Its own short name may stay what it is when it is saved again.
    with app.app_context():
        territory_id = db.session.scalar(select(Territory.id).where(Territory.short_name == "Écrins"))
    assert client.post(f"/admin/territories/{territory_id}", data={
        "csrf_token": token, "name": "Communauté de communes Écrins", "short_name": "Écrins", "sector": "sud",
        "active": "y"}).status_code == 302


def test_a_structure_name_is_unique_whatever_its_accented_capitals(app, client, login_as):
    login_as("admin")
    token = _token(client, "/admin/structures/new")
    data = {"csrf_token": token, "kind": "epci", "territory": "0", "active": "y"}
    assert client.post("/admin/structures/new", data={**data, "name": "Écrins Insertion"}).status_code == 302
    refused = client.post("/admin/structures/new", data={**data, "name": "ÉCRINS INSERTION"})
    assert "Une structure porte déjà ce nom." in htmllib.unescape(refused.get_data(as_text=True))
