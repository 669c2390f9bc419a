"""Personal data (RGPD): a member downloads everything the site keeps about them; an admin erases
a former member; the registry behind both (core/privacy.py) covers every table that points at a
member."""
from __future__ import annotations

import html
import io
import json
import re
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from network_space.extensions import db
from tests.helpers import csrf_token

NAME = "Hélène Vercors-Dupré"
EMAIL = "helene.dupre@cc-trieves.example.org"
FILE_BYTES = "Bilan des heures d'insertion — Trièves 2026\n".encode() * 40


@pytest.fixture
def member(app, make_user):
    """A member with something in every part of the site, and other members around her."""
    from network_space.accounts.models import Invitation, LoginAttempt, Structure, Territory, User
    from network_space.core.audit import audit
    from network_space.core.models import utcnow
    from network_space.core.storage import store_upload
    from network_space.events.models import CalendarFeed, Event, Registration
    from network_space.library.models import Resource, ResourceComment, ResourceVersion
    from network_space.library.services import ensure_defaults
    from network_space.meetings.models import (
        ActionItem, AgendaItem, Meeting, MeetingInvitee, PollAnswer, PollResponse, PollSlot,
    )
    from network_space.announcements.models import Announcement
    from network_space.core.outbox import OutboxMessage, queue_email
    from network_space.notifications.models import Follow, Notification, NotificationPreference
    from network_space.notifications.services import notify

    helene = make_user("member", email=EMAIL, full_name=NAME, phone="04 76 00 00 00", job_title="Facilitatrice",
                       bio="Je suis **facilitatrice** dans le Trièves.")
    other = make_user("member", full_name="Paul Waiting")
    coanimator = make_user("coanimator", full_name="Claire Coanim")
    now = utcnow()
    with app.app_context():
        ensure_defaults()
        user = db.session.get(User, helene.id)
        territory = Territory(name="CC du Trièves", sector="sud")
        user.structure = Structure(name="CC du Trièves (structure)")
        user.territories = [territory]
        db.session.add(Invitation(email=EMAIL, role="member", invited_by_id=coanimator.id, expires_at=now,
                                  accepted_at=now, accepted_user_id=helene.id, message="Bienvenue Hélène"))
        db.session.add(LoginAttempt(email=EMAIL, ip_address="192.0.2.44", success=True))
        audit("login.success", target=EMAIL, actor=user).ip_address = "192.0.2.44"
        audit("member.role_changed", target=EMAIL, detail="member → member",
              actor=db.session.get(User, coanimator.id)).ip_address = "198.51.100.7"  # the administrator's

        stored = store_upload(FileStorage(stream=io.BytesIO(FILE_BYTES), filename="bilan-trieves.txt"))
        resource = Resource(kind="file", title="Bilan Trièves 2026", author_id=helene.id, visibility="members")
        resource.versions = [ResourceVersion(number=1, author_id=helene.id, storage_key=stored.key,
                                             original_name="bilan-trieves.txt", extension="txt",
                                             content_type=stored.content_type, size=stored.size)]
        others = Resource(kind="note", title="Guide des clauses", body="Texte.", author_id=coanimator.id)
        others.comments = [ResourceComment(author_id=helene.id, body="Très utile pour le bailleur.")]
        db.session.add_all([resource, others])

        past = Meeting(title="Plénière de printemps", kind="pleniere", status="scheduled",
                       starts_at=now - timedelta(days=30), ends_at=now - timedelta(days=30, hours=-2))
        past.invitees = [MeetingInvitee(user_id=helene.id, rsvp="yes", attendance="present")]
        past.agenda_items = [AgendaItem(title="Retour du Trièves", presenter=NAME)]
        past.actions = [ActionItem(title="Envoyer le bilan", assignee_id=helene.id, status="open"),
                        ActionItem(title="Relire la charte", assignee_id=helene.id, status="done",
                                   done_by_id=helene.id, done_at=now)]
        future = Meeting(title="Groupe de travail bailleurs", kind="groupe", status="poll")
        slot = PollSlot(starts_at=now + timedelta(days=20), ends_at=now + timedelta(days=20, hours=2))
        future.slots = [slot]
        future.invitees = [MeetingInvitee(user_id=helene.id)]
        future.organisers = [user]
        db.session.add_all([past, future])
        db.session.flush()
        response = PollResponse(meeting_id=future.id, user_id=helene.id, comment="En congé le matin")
        response.answers = [PollAnswer(slot_id=slot.id, value="maybe")]
        past_response = PollResponse(meeting_id=past.id, user_id=helene.id, comment="Je préfère le jeudi")
        db.session.add_all([response, past_response])

        full = Event(title="Forum emploi Trièves", kind="forum", starts_at=now + timedelta(days=10),
                     ends_at=now + timedelta(days=10, hours=3), capacity=1, status="planned", sequence=0)
        full.registrations = [Registration(user_id=helene.id, status="registered"),
                              Registration(user_id=other.id, status="waiting")]
        held = Event(title="Visite de chantier Mens", kind="site_visit", starts_at=now - timedelta(days=5),
                     ends_at=now - timedelta(days=5, hours=-2), status="planned", sequence=0)
        held.registrations = [Registration(user_id=helene.id, status="registered")]
        db.session.add_all([full, held, CalendarFeed(user_id=helene.id, token_hash="f" * 64, scope="mine")])

        db.session.add(NotificationPreference(user_id=helene.id, category="library", channel="daily"))
        db.session.add(Follow(user_id=helene.id, target_type="territory", target_id=1, created_at=now))
        announcement = Announcement(title="Nouvelle charte", body="Lisez-la.", author_id=helene.id)
        db.session.add(announcement)
        db.session.flush()
        notify("announcement.published", [coanimator.id], announcement, actor=user, author_name=NAME)
        db.session.add(Notification(user_id=helene.id, kind="library.new_resource", category="library",
                                    channel="site", title="Guide des clauses", created_at=now))
        queue_email("test_message", EMAIL, "Un message en attente pour Hélène", user=user)
        sent = queue_email("test_message", EMAIL, "Un message déjà envoyé", user=user)
        sent.status, sent.sent_at = "sent", now
        db.session.commit()
        assert db.session.scalar(select(func.count(OutboxMessage.id))) >= 3  # with the announcement's
        ids = {"resource": resource.id, "past": past.id, "future": future.id, "full": full.id, "held": held.id,
               "announcement": announcement.id}
    return helene, other, coanimator, ids


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _export(client) -> zipfile.ZipFile:
    token = csrf_token(client.get("/profile").get_data(as_text=True))
    response = client.post("/profile/export", data={"csrf_token": token})
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert "no-store" in response.headers["Cache-Control"]
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data()
    response.close()  # what the WSGI server does: closes the temporary file
    return zipfile.ZipFile(io.BytesIO(body))


def test_member_downloads_all_their_data(app, client, login_as, member):
    helene, other, coanimator, ids = member
    login_as(helene)
    archive = _export(client)
    names = set(archive.namelist())
    assert {"LISEZMOI.txt", "compte.json", "journal_audit.json", "notifications.json", "emails.json", "annonces.json",
            "bibliotheque.json", "annuaire.json", "reunions.json", "evenements.json"} <= names
    data = {name[:-5]: json.loads(archive.read(name))["donnees"] for name in names if name.endswith(".json")}

    profile = data["compte"]["profil"]
    assert (profile["nom"], profile["email"], profile["telephone"]) == (NAME, EMAIL, "04 76 00 00 00")
    assert profile["territoires"] == ["CC du Trièves"] and profile["structure"] == "CC du Trièves (structure)"
    assert data["compte"]["invitations_recues"][0]["par"] == "Claire Coanim"
    assert data["compte"]["tentatives_de_connexion"][0]["adresse_ip"] == "192.0.2.44"
    # What was done, in words (not the log's codes); her own addresses, not the administrator's on
    # what they did about her.
    addresses = {e["action"]: e["adresse_ip"] for e in data["journal_audit"]["journal"]}
    assert addresses["Connexion réussie"] == "192.0.2.44" and addresses["Rôle d'un membre modifié"] is None

    assert [r["titre"] for r in data["bibliotheque"]["ressources"]] == ["Bilan Trièves 2026"]
    assert data["bibliotheque"]["commentaires"][0]["texte"] == "Très utile pour le bailleur."
    uploaded = [n for n in names if n.startswith("fichiers/")]
    assert len(uploaded) == 1 and uploaded[0].endswith("bilan-trieves.txt")
    assert archive.read(uploaded[0]) == FILE_BYTES

    meetings = data["reunions"]
    assert {(i["reunion"], i["reponse"]) for i in meetings["invitations"]} == {
        ("Plénière de printemps", "Je viens"), ("Groupe de travail bailleurs", None)}
    poll = next(r for r in meetings["sondages_de_dates"] if r["reunion"] == "Groupe de travail bailleurs")
    assert poll["commentaire"] == "En congé le matin" and poll["reponses"][0]["reponse"] == "Si besoin"
    assert {a["action"] for a in meetings["actions"]} == {"Envoyer le bilan", "Relire la charte"}

    events = data["evenements"]
    assert {r["evenement"] for r in events["inscriptions"]} == {"Forum emploi Trièves", "Visite de chantier Mens"}
    assert events["abonnement_agenda"] is not None

    notes = data["notifications"]
    assert [n["titre"] for n in notes["notifications"]] == ["Guide des clauses"]
    assert notes["suivis"][0]["type"] == "territory"
    assert data["annonces"]["annonces_publiees"][0]["titre"] == "Nouvelle charte"
    assert {m["objet"] for m in data["emails"]["emails"]} == {"Un message en attente pour Hélène",
                                                             "Un message déjà envoyé"}
    # Nothing of another member's: not Paul's waiting-list place, not Claire's notification.
    assert "Paul Waiting" not in json.dumps(data, ensure_ascii=False)
    readme = archive.read("LISEZMOI.txt").decode()
    assert NAME in readme and "fichiers" in readme
    from network_space.core.audit import AuditEntry

    with app.app_context():  # the download itself is logged
        assert db.session.scalar(select(AuditEntry.actor_id).where(AuditEntry.action == "personal_data.exported")) \
            == helene.id


def test_export_survives_a_missing_stored_file(app, client, login_as, member):
    from network_space.core.storage import path_for
    from network_space.library.models import ResourceVersion

    helene, *_ = member
    with app.app_context():
        key = db.session.scalar(select(ResourceVersion.storage_key))
    path_for_key = None
    with app.test_request_context():
        path_for_key = path_for(key)
    moved = path_for_key.with_suffix(".moved")
    path_for_key.rename(moved)
    try:
        login_as(helene)
        archive = _export(client)
    finally:
        moved.rename(path_for_key)
    assert not [n for n in archive.namelist() if n.startswith("fichiers/")]
    assert "bilan-trieves.txt" in archive.read("LISEZMOI.txt").decode()


def test_export_needs_a_login_and_a_post(client):
    # Opened as a page, the address leads to the profile (which asks to log in), never to the file.
    response = client.get("/profile/export")
    assert response.status_code == 303 and response.headers["Location"] == "/profile"
    response = client.post("/profile/export")
    assert response.status_code in (302, 400)


def _deactivate(app, user_id, admin_id):
    from network_space.accounts.models import User
    from network_space.accounts.services import set_active

    with app.app_context():
        set_active(db.session.get(User, user_id), False, db.session.get(User, admin_id))
        db.session.commit()


def _erase_through_the_admin_page(client, user_id, email):
    page = client.get(f"/admin/members/{user_id}/erase")
    assert page.status_code == 200
    token = csrf_token(page.get_data(as_text=True))
    return client.post(f"/admin/members/{user_id}/erase", data={"csrf_token": token, "confirm_email": email})


def test_admin_erases_a_former_member(app, client, login_as, make_user, member, smtp):
    from network_space.accounts.models import Invitation, LoginAttempt, User
    from network_space.core.audit import AuditEntry
    from network_space.events.models import CalendarFeed, Registration
    from network_space.library.models import Resource, ResourceComment, ResourceVersion
    from network_space.meetings.models import ActionItem, AgendaItem, Meeting, MeetingInvitee, PollResponse
    from network_space.announcements.models import Announcement
    from network_space.core.outbox import OutboxMessage, deliver_pending
    from network_space.notifications.models import Follow, Notification, NotificationPreference

    helene, other, coanimator, ids = member
    # A session of hers, logged in with "remember me", before the erasure.
    her_client = app.test_client()
    her_client.post("/login", data={"csrf_token": csrf_token(her_client.get("/login").get_data(as_text=True)),
                                    "email": EMAIL, "password": "mot-de-passe-solide-2026", "remember": "y"})
    remember = her_client.get_cookie("remember_token")
    assert remember is not None and her_client.get("/profile").status_code == 200

    admin = login_as("admin")
    page = client.get(f"/admin/members/{helene.id}/erase")
    assert "Désactivez d'abord ce compte" in _text(page)  # still active: refused
    assert 'name="confirm_email"' not in page.get_data(as_text=True)
    _deactivate(app, helene.id, admin.id)

    wrong = _erase_through_the_admin_page(client, helene.id, "quelqu.un@example.org")
    assert wrong.status_code == 200 and "rien n'a été effacé" in _text(wrong)
    with app.app_context():
        assert db.session.get(User, helene.id).full_name == NAME

    done = _erase_through_the_admin_page(client, helene.id, EMAIL.upper())
    assert done.status_code == 302

    with app.app_context():
        user = db.session.get(User, helene.id)
        assert user.full_name == "Ancien membre" and user.is_erased and not user.active
        assert EMAIL not in user.email and user.phone is None and user.bio is None and user.job_title is None
        assert user.structure is None and user.territories == [] and user.password_hash == ""
        # Contributions kept, without the name.
        resource = db.session.get(Resource, ids["resource"])
        assert resource.author_id == helene.id and resource.author.full_name == "Ancien membre"
        assert db.session.scalar(select(ResourceVersion.author_id)) == helene.id
        assert db.session.scalar(select(ResourceComment.body)) == "Très utile pour le bailleur."
        assert db.session.get(Announcement, ids["announcement"]).author_id == helene.id
        # Past meeting: attendance and done action kept; open action unassigned; presenter renamed.
        past = db.session.get(Meeting, ids["past"])
        assert [(i.user_id, i.attendance) for i in past.invitees] == [(helene.id, "present")]
        assert {a.title: a.assignee_id for a in past.actions} == {"Envoyer le bilan": None,
                                                                   "Relire la charte": helene.id}
        assert db.session.scalar(select(AgendaItem.presenter)) == "Ancien membre"
        # Future meeting: no longer invited, organiser or poll answer; past poll comment gone.
        future = db.session.get(Meeting, ids["future"])
        assert future.invitees == [] and future.organisers == []
        assert [(r.meeting_id, r.comment) for r in db.session.scalars(select(PollResponse))] == [(ids["past"], None)]
        # Events: the future place goes to the waiting list, the past attendance stays.
        registrations = {(r.event_id, r.user_id): r.status for r in db.session.scalars(select(Registration))}
        assert registrations == {(ids["full"], other.id): "registered", (ids["held"], helene.id): "registered"}
        assert db.session.scalar(select(func.count(CalendarFeed.id))) == 0
        # Her own notifications, preferences, follows, emails, login attempts, invitation: gone.
        assert db.session.scalar(select(func.count(Notification.id)).where(Notification.user_id == helene.id)) == 0
        assert db.session.scalar(select(func.count(NotificationPreference.id))) == 0
        assert db.session.scalar(select(func.count(Follow.id))) == 0
        assert db.session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.recipient == EMAIL)) == 0
        assert db.session.scalar(select(func.count(LoginAttempt.id))) == 0
        assert db.session.scalar(select(func.count(Invitation.id))) == 0
        # Claire's notification about Hélène's announcement no longer names her.
        claire_note = db.session.scalar(select(Notification).where(Notification.user_id == coanimator.id,
                                                                   Notification.kind == "announcement.published"))
        assert NAME not in claire_note.context_json and "Ancien membre" in claire_note.context_json
        # The audit log keeps the facts, not the data.
        entries = list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
        assert not [e for e in entries if EMAIL in f"{e.target} {e.detail}"]
        login_entry = next(e for e in entries if e.action == "login.success" and e.actor_id == helene.id)
        assert login_entry.target == f"Ancien membre n°{helene.id}" and login_entry.ip_address is None
        # What an administrator did about her keeps the administrator's address: the log answers for them.
        role_entry = next(e for e in entries if e.action == "member.role_changed")
        assert role_entry.target == f"Ancien membre n°{helene.id}" and role_entry.ip_address == "198.51.100.7"
        erased = entries[-1]
        assert (erased.action, erased.target, erased.actor_id) == ("member.erased", f"Ancien membre n°{helene.id}",
                                                                   admin.id)
        # The waiting member was told of the place (queued email), not Hélène.
        assert db.session.scalar(select(func.count(OutboxMessage.id)).where(
            OutboxMessage.kind == "event.promoted", OutboxMessage.user_id == other.id)) == 1
        deliver_pending()
    assert not smtp.to(EMAIL)  # her pending message was dropped, never sent

    # Her session and her "remember me" cookie are dead; she cannot log in again.
    assert her_client.get("/profile").status_code == 302
    fresh = app.test_client()
    fresh.set_cookie("remember_token", remember.value)
    assert fresh.get("/profile").status_code == 302
    attempt = fresh.post("/login", data={"csrf_token": csrf_token(fresh.get("/login").get_data(as_text=True)),
                                         "email": EMAIL, "password": "mot-de-passe-solide-2026"})
    assert "incorrect" in attempt.get_data(as_text=True)

    # Shown as "Ancien membre" where her contributions are; her profile says so.
    login_as("member")
    detail = client.get(f"/library/{ids['resource']}").get_data(as_text=True)
    assert "Ancien membre" in detail and NAME not in detail
    profile = client.get(f"/members/{helene.id}").get_data(as_text=True)
    assert NAME not in profile and EMAIL not in profile and "ont été effacées" in profile


def test_erasure_updates_the_search_index(app, client, login_as, make_user, member):
    """Her profile leaves the search; her resource stays, no longer found by her name."""
    from network_space.accounts.models import User
    from network_space.accounts.services import erase_member
    from network_space.search import search
    from network_space.search.cli import rebuild

    helene, *_ = member
    admin = make_user("admin")
    reader = login_as("member")
    with app.app_context():
        rebuild()
        viewer = db.session.get(User, reader.id)
        assert {(h.kind, h.obj.id) for h in search("Vercors-Dupré", viewer).hits} == {
            ("accounts.member", helene.id), ("library.resource", member[3]["resource"])}
    _deactivate(app, helene.id, admin.id)
    with app.app_context():
        erase_member(db.session.get(User, helene.id), db.session.get(User, admin.id))
        db.session.commit()
    with app.app_context():
        viewer = db.session.get(User, reader.id)
        assert search("Vercors-Dupré", viewer).hits == []
        assert [h.obj.id for h in search("Bilan Trièves", viewer, kinds=["library.resource"]).hits] == [
            member[3]["resource"]]


def test_erasure_refusals(app, client, login_as, make_user):
    from network_space.accounts.models import User
    from network_space.accounts.services import AccountError, erase_member, set_active

    admin = login_as("admin")
    target = make_user("member")
    assert "Désactivez d'abord" in _text(client.get(f"/admin/members/{target.id}/erase"))
    assert "propre compte" in _text(client.get(f"/admin/members/{admin.id}/erase"))
    assert client.get("/admin/members/987654/erase").status_code == 404
    with app.app_context():
        actor = db.session.get(User, admin.id)
        user = db.session.get(User, target.id)
        set_active(user, False, actor)
        erase_member(user, actor)
        db.session.commit()
        with pytest.raises(AccountError, match="déjà été effacées"):
            erase_member(user, actor)
        with pytest.raises(AccountError, match="ne peut plus être réactivé"):
            set_active(user, True, actor)
    login_as("coanimator")
    assert client.get(f"/admin/members/{target.id}/erase").status_code == 403


def test_every_table_pointing_at_a_member_is_covered(app):
    """A new table with a foreign key to user must be thought about here: its domain says in
    its privacy.py how its rows are exported and erased (or why they need neither)."""
    reviewed = {
        # table: where its rows are handled
        "user_territory": "compte", "invitation": "compte", "audit_entry": "journal_audit",
        "notification": "notifications", "notification_preference": "notifications", "follow": "notifications",
        "announcement": "annonces", "outbox_message": "emails",
        "library_resource": "bibliotheque", "library_version": "bibliotheque", "library_comment": "bibliotheque",
        "organisation": "annuaire", "organisation_revision": "annuaire",
        "meeting": "reunions", "meeting_organiser": "reunions", "meeting_named_member": "reunions",
        "meeting_invitee": "reunions", "poll_response": "reunions", "minutes": "reunions",
        "minutes_revision": "reunions", "action_item": "reunions",
        "event": "evenements", "event_organiser": "evenements", "event_registration": "evenements",
        "calendar_feed": "evenements",
        "legal_page": "the admin who last edited a legal page: a contribution, kept",
        "guest_link": "invites (the organiser who invited a guest: kept, under the erased member's name)",
        "guest_public_event": "invites (the organiser who opened a public page: kept, as above)",
        "discussion_thread": "discussions", "discussion_reply": "discussions", "discussion_revision": "discussions",
        "discussion_read": "discussions", "discussion_read_mark": "discussions",
        "site_setting": "the admin who last changed a site setting: a contribution, kept (as legal_page)",
        "inbound_mail": "emails_recus",
        "report_campaign": "bilan", "report_contribution": "bilan", "report_change": "bilan",
    }
    pointing = {table.name for table in db.metadata.sorted_tables
                for fk in table.foreign_keys if fk.column.table.name == "user"}
    assert pointing == set(reviewed), f"review these tables: {sorted(pointing ^ set(reviewed))}"


def test_every_table_holding_addresses_is_covered(app):
    """Personal data without a link to an account: an email address, a phone number, an IP."""
    reviewed = {
        "user": "compte", "invitation": "compte (retention of those never accepted)",
        "login_attempt": "compte (retention; erased with the account)", "audit_entry": "journal_audit",
        "outbox_message": "emails", "organisation": "contacts_partenaires (the organisation's own address)",
        "organisation_contact": "contacts_partenaires",
        "guest": "invites (retention after the event or meeting; erased by the guest's own link)",
    }
    holding = {table.name for table in db.metadata.sorted_tables for column in table.columns
               if re.search(r"(^|_)(email|phone|ip_address|recipient)$", column.name)}
    assert holding == set(reviewed), f"review these tables: {sorted(holding ^ set(reviewed))}"
