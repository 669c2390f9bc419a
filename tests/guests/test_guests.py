"""Guests: partners without an account, invited by a personal link to an event or a meeting."""
from __future__ import annotations

import csv
import io
import re
import threading
from datetime import timedelta

from icalendar import Calendar
from sqlalchemy import func, select

from network_space.accounts.models import User
from network_space.core.models import utcnow
from network_space.core.outbox import deliver_pending
from network_space.core.privacy import apply_retention
from network_space.events import services as event_services
from network_space.events.models import Event, Registration
from network_space.extensions import db
from network_space.guests import services
from network_space.guests.models import Guest, GuestLink
from network_space.meetings import polls
from network_space.meetings.models import Meeting, PollResponse
from tests.guests.conftest import fix_first_slot, polled_meeting
from tests.helpers import csrf_token


def _post(client, page_url, url, data=None):
    token = csrf_token(client.get(page_url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **(data or {})})


def _raw(smtp, address):
    return [m.as_bytes() if hasattr(m, "as_bytes") else m for m in smtp.to(address)]


def _text(message) -> str:
    return next(part.get_payload(decode=True).decode() for part in message.walk()
                if part.get_content_type() == "text/plain")


def _personal_path(text: str) -> str:
    """The personal page's path, as the email's text part gives it."""
    url = next(word for word in text.split() if "/partenaire/" in word and not word.endswith("/effacer"))
    return url[url.index("/partenaire/"):]


def _people(ics_bytes: bytes) -> tuple[str | None, list[str]]:
    """The ORGANIZER and the ATTENDEEs of the first event of an .ics."""
    event = Calendar.from_ical(ics_bytes).walk("VEVENT")[0]
    attendees = event.get("ATTENDEE", [])
    attendees = attendees if isinstance(attendees, list) else [attendees]
    return (str(event["ORGANIZER"]) if "ORGANIZER" in event else None), [str(a) for a in attendees]


def _ics_parts(message) -> list[bytes]:
    return [part.get_payload(decode=True) for part in message.walk() if part.get_content_type() == "text/calendar"]


def test_organiser_invites_a_typed_partner_who_registers_through_the_link(client, login_as, make_event, app, smtp):
    organiser = login_as("coanimator")
    event_id = make_event(capacity=5, title="Action conjointe bailleur")
    response = _post(client, f"/events/{event_id}/invites", f"/events/{event_id}/invites",
                     {"name": "Léa Martin", "email": "lea.martin@bailleur.example", "organisation_id": "0",
                      "organisation_typed": "Alpes Isère Habitat"})
    assert response.status_code == 302
    with app.app_context():
        deliver_pending()
    [message] = smtp.to("lea.martin@bailleur.example")
    assert "Invitation : Action conjointe bailleur" in message["Subject"]
    raw = _raw(smtp, "lea.martin@bailleur.example")[0]
    assert f"Reply-To: {organiser.email}".encode() in raw  # a reply reaches her
    [sent] = [e.content for e in smtp.envelopes if e.rcpt_tos == ["lea.martin@bailleur.example"]]
    assert re.search(rb"^Auto-Submitted: auto-generated\r?$", sent, re.M)  # her out-of-office does not answer him
    text = _text(message)
    assert "Vos données personnelles" in text and "/effacer" in text  # RGPD information and erase link
    [ics_bytes] = _ics_parts(message)
    calendar = Calendar.from_ical(ics_bytes)
    assert calendar["METHOD"] == "REQUEST"
    # The guest alone as attendee, the organiser who invited her (already her Reply-To) as
    # ORGANIZER, as a REQUEST wants; her own page as the link, not the members' one.
    assert _people(ics_bytes) == (f"mailto:{organiser.email}", ["mailto:lea.martin@bailleur.example"])
    assert "/partenaire/" in str(calendar.walk("VEVENT")[0]["URL"])
    token = _personal_path(text).split("/")[2]

    client.get("/logout")
    guest = app.test_client()
    page = guest.get(f"/partenaire/{token}")
    assert page.status_code == 200, page.get_data(as_text=True)[-3000:]
    assert "Action conjointe bailleur" in page.get_data(as_text=True)
    assert _post(guest, f"/partenaire/{token}", f"/partenaire/{token}/inscription").status_code == 302
    assert "Vous êtes inscrit·e" in guest.get(f"/partenaire/{token}").get_data(as_text=True)
    with app.app_context():
        [registration] = db.session.scalars(select(Registration)).all()
        assert registration.user_id is None and registration.guest.email == "lea.martin@bailleur.example"

    login_as(organiser)
    listing = client.get(f"/events/{event_id}/inscrits").get_data(as_text=True)
    assert "Léa Martin" in listing and "Alpes Isère Habitat (invité·e)" in listing
    exported = client.get(f"/events/{event_id}/inscrits.csv").get_data()
    rows = list(csv.reader(io.StringIO(exported.decode("utf-8-sig")), delimiter=";"))
    assert ["Léa Martin", "lea.martin@bailleur.example", "Alpes Isère Habitat (invité·e)"] == rows[1][:3]


def test_guest_and_member_racing_for_the_last_place(app, make_user, make_event, invite_guest):
    """A guest and a member take the last place at the same moment, each in their own session and
    connection, through the same locked service: one gets it, the other waits."""
    for round_ in range(5):
        event_id = make_event(capacity=1)
        member = make_user()
        link_id, _token = invite_guest(event_id=event_id, email=f"partenaire{round_}@esat.example")
        barrier = threading.Barrier(2)
        errors = []

        def as_member():
            with app.app_context():
                user = db.session.get(User, member.id)
                db.session.commit()
                barrier.wait()
                try:
                    event_services.register(event_id, user)
                except Exception as error:  # noqa: BLE001 - reported below
                    errors.append(error)
                finally:
                    db.session.remove()

        def as_guest():
            with app.app_context():
                link = db.session.get(GuestLink, link_id)
                db.session.commit()
                barrier.wait()
                try:
                    services.register(link)
                except Exception as error:  # noqa: BLE001 - reported below
                    errors.append(error)
                finally:
                    db.session.remove()

        threads = [threading.Thread(target=as_member), threading.Thread(target=as_guest)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        with app.app_context():
            statuses = sorted(db.session.scalars(select(Registration.status).where(Registration.event_id == event_id)))
        assert statuses == ["registered", "waiting"]


def test_member_leaving_promotes_the_waiting_guest_who_is_emailed(app, make_user, make_event, invite_guest, smtp):
    event_id = make_event(capacity=1)
    member = make_user()
    link_id, _ = invite_guest(event_id=event_id)
    with app.app_context():
        event_services.register(event_id, db.session.get(User, member.id))
        assert services.register(db.session.get(GuestLink, link_id)).status == "waiting"
        event_services.unregister(event_id, db.session.get(User, member.id))
        deliver_pending()
        assert db.session.scalar(select(Registration.status).where(Registration.guest_id.is_not(None))) == "registered"
    subjects = [m["Subject"] for m in smtp.to("chef.chantier@bailleur.example")]
    assert any("Une place s'est libérée" in s for s in subjects)


def test_guest_poll_answers_count_with_members_and_show_the_organisation(app, client, login_as, invite_guest):
    organiser = login_as("coanimator")
    with app.app_context():
        meeting_id = polled_meeting(organiser.id, days=(1, 2))
        meeting = db.session.get(Meeting, meeting_id)
        first, second = meeting.slots
        polls.answer_poll(meeting, db.session.get(User, organiser.id), {first.id: "yes", second.id: "no"})
        db.session.commit()
        first_id, second_id = first.id, second.id
    _, token = invite_guest(meeting_id=meeting_id, name="Marc Roux", organisation="ESAT Les Ateliers du Drac")
    guest = app.test_client()
    response = _post(guest, f"/partenaire/{token}", f"/partenaire/{token}/sondage",
                     {f"slot-{first_id}": "yes", f"slot-{second_id}": "maybe", "comment": "Matin de préférence"})
    assert response.status_code == 302
    with app.app_context():
        tally = {row.slot.id: (row.yes, row.maybe, row.no) for row in polls.tally(db.session.get(Meeting, meeting_id))}
    assert tally == {first_id: (2, 0, 0), second_id: (0, 1, 1)}
    page = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert "Marc Roux — ESAT Les Ateliers du Drac (invité·e)" in page
    # Changing the answers replaces them.
    _post(guest, f"/partenaire/{token}", f"/partenaire/{token}/sondage", {f"slot-{first_id}": "no"})
    with app.app_context():
        assert db.session.scalar(select(func.count(PollResponse.id))) == 2
        tally = {row.slot.id: (row.yes, row.maybe, row.no) for row in polls.tally(db.session.get(Meeting, meeting_id))}
    assert tally[first_id] == (1, 0, 1)


def test_change_and_cancellation_reach_guests_with_the_same_uid(app, make_user, make_event, invite_guest, smtp):
    admin = make_user("coanimator")
    event_id = make_event(capacity=10)
    link_id, _ = invite_guest(event_id=event_id)
    with app.app_context():
        services.register(db.session.get(GuestLink, link_id))
        event = db.session.get(Event, event_id)
        data = event_services.EventInput(title=event.title, kind=event.kind, starts_at=event.starts_at + timedelta(hours=2),
                                         ends_at=event.ends_at + timedelta(hours=2), place="Salle du conseil")
        event_services.update_event(event_id, data, db.session.get(User, admin.id))
        db.session.commit()
        event_services.cancel_event(db.session.get(Event, event_id), "Chantier reporté", db.session.get(User, admin.id))
        db.session.commit()
        deliver_pending()
    calendars = [(m["Subject"], _ics_parts(m)[0]) for m in smtp.to("chef.chantier@bailleur.example")]
    invitation, change, cancellation = (Calendar.from_ical(raw) for _, raw in calendars)
    uid = invitation.walk("VEVENT")[0]["UID"]
    assert change.walk("VEVENT")[0]["UID"] == uid == cancellation.walk("VEVENT")[0]["UID"]
    assert b"SEQUENCE:0" in calendars[0][1] and b"SEQUENCE:1" in calendars[1][1] and b"SEQUENCE:2" in calendars[2][1]
    assert b"METHOD:REQUEST" in calendars[1][1] and b"Salle du conseil" in calendars[1][1]
    assert b"METHOD:CANCEL" in calendars[2][1] and b"STATUS:CANCELLED" in calendars[2][1]
    assert calendars[2][0].startswith("Annulé")


def test_revoked_link_is_refused_with_a_french_page_and_frees_the_place(app, client, login_as, make_event, invite_guest):
    organiser = login_as("coanimator")
    event_id = make_event(capacity=1)
    link_id, token = invite_guest(event_id=event_id, actor_id=organiser.id)
    with app.app_context():
        services.register(db.session.get(GuestLink, link_id))
    guest = app.test_client()
    form_token = csrf_token(guest.get(f"/partenaire/{token}").get_data(as_text=True))
    _post(client, f"/events/{event_id}/invites", f"/invites/{link_id}/revoquer")
    response = guest.get(f"/partenaire/{token}")
    assert response.status_code == 410 and "Ce lien a été révoqué" in response.get_data(as_text=True)
    # Whom to write to, since the invitation came from a no-reply address.
    assert f'<a href="mailto:{organiser.email}">{organiser.email}</a>' in response.get_data(as_text=True)
    assert guest.post(f"/partenaire/{token}/inscription", data={"csrf_token": form_token}).status_code == 410
    with app.app_context():
        assert db.session.scalar(select(func.count(Registration.id))) == 0
        audit_actions = set(db.session.scalars(select(db.metadata.tables["audit_entry"].c.action)))
    assert {"guest.invite", "guest.register", "guest.revoke"} <= audit_actions
    unknown = guest.get("/partenaire/pas-un-jeton")
    assert unknown.status_code == 410 and "Lien inconnu" in unknown.get_data(as_text=True)


def test_link_expires_after_the_event(app, make_event, invite_guest):
    event_id = make_event(days_ahead=-3)
    with app.app_context():
        # Invited while it was coming (invite() refuses a past event).
        guest = Guest(name="Ana", email="ana@example.org")
        link = GuestLink(guest=guest, event_id=event_id, nonce="n" * 32)
        db.session.add(link)
        db.session.commit()
        from network_space.guests.tokens import make_token
        token = make_token(link)
    response = app.test_client().get(f"/partenaire/{token}")
    assert response.status_code == 410 and "Ce lien a expiré" in response.get_data(as_text=True)


def test_a_guest_link_opens_no_other_page(app, make_event, invite_guest):
    """With a live link in hand, every other page of the site is refused as to anyone anonymous,
    and the token opens nothing behind another address."""
    from tests.core.test_permissions_matrix import PUBLIC_ENDPOINTS
    from tests.core.routes import fill, get_routes, url_of

    event_id = make_event()
    _, token = invite_guest(event_id=event_id)
    guest = app.test_client()
    assert guest.get(f"/partenaire/{token}").status_code == 200
    for rule in get_routes(app):
        if rule.endpoint.startswith("guests.") and rule.endpoint != "guests.public_register" or rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        url = url_of(app, rule, fill(rule, {}, absurd_id=event_id, token=token))
        response = guest.get(url)
        assert response.status_code in (302, 401, 403, 404, 405), (url, response.status_code)
        if response.status_code == 302:
            assert "/login" in response.headers["Location"], url
    # The token of a guest link is no key to the other signed-link pages.
    for endpoint in ("accounts.reset_password", "accounts.accept_invitation", "events.feed", "notifications.unsubscribe"):
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
        response = guest.get(url_of(app, rule, fill(rule, {}, absurd_id=1, token=token)))
        assert response.status_code != 200 or "invalide" in response.get_data(as_text=True).lower() \
            or "expiré" in response.get_data(as_text=True), endpoint


def test_public_registration_takes_a_place_only_after_confirmation(app, client, login_as, make_event, smtp):
    organiser = login_as("coanimator")
    event_id = make_event(capacity=3, title="Information collective des entreprises attributaires")
    anonymous = app.test_client()
    assert anonymous.get(f"/inscription/evenement/{event_id}").status_code == 404  # off by default
    _post(client, f"/events/{event_id}/invites", f"/events/{event_id}/inscription-publique", {"open": "1"})
    form = {"name": "Paul Chef", "email": "paul@entreprise.example", "organisation": "BTP Grésivaudan"}
    # A robot fills the honeypot: the page thanks it, nothing is recorded or sent.
    robot = _post(anonymous, f"/inscription/evenement/{event_id}", f"/inscription/evenement/{event_id}",
                  {**form, "email": "robot@spam.example", "website": "http://spam.example"})
    assert "Merci" in robot.get_data(as_text=True)
    page = _post(anonymous, f"/inscription/evenement/{event_id}", f"/inscription/evenement/{event_id}", form)
    assert "Un email vient de vous être envoyé" in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Registration.id))) == 0
        assert db.session.scalar(select(Guest.email)) == "paul@entreprise.example"
        deliver_pending()
    assert not smtp.to("robot@spam.example")
    [message] = smtp.to("paul@entreprise.example")
    assert message["Subject"].startswith("Confirmez votre inscription")
    # Whatever was typed as a name is not carried to the inbox (anyone may type any address).
    assert "Paul Chef" not in message.as_string() and _text(message).startswith("Bonjour,")
    path = _personal_path(_text(message))
    confirm_page = anonymous.get(path).get_data(as_text=True)  # opening the link (a mail scanner) takes nothing
    assert "Confirmer mon inscription" in confirm_page
    with app.app_context():
        assert db.session.scalar(select(func.count(Registration.id))) == 0
    _post(anonymous, path, path + "/inscription")
    with app.app_context():
        assert db.session.scalar(select(Registration.status).where(Registration.guest_id.is_not(None))) == "registered"
    assert organiser  # the organiser's list shows the confirmed person
    assert "Paul Chef" in client.get(f"/events/{event_id}/inscrits").get_data(as_text=True)


def test_the_public_page_sends_a_known_address_its_link_at_most_every_quarter_hour(app, client, login_as,
                                                                                  make_event, smtp):
    """Anyone may type anyone's address on the public page, again and again: the address gets its
    link once per quarter of an hour, and, once registered, is told so rather than asked to confirm.
    The page says the same each time (it never tells who is registered)."""
    login_as("coanimator")
    event_id = make_event(capacity=3, title="Information collective")
    _post(client, f"/events/{event_id}/invites", f"/events/{event_id}/inscription-publique", {"open": "1"})
    anonymous = app.test_client()
    url = f"/inscription/evenement/{event_id}"
    form = {"name": "Paul Chef", "email": "paul@entreprise.example", "organisation": "BTP"}
    for _ in range(3):
        assert "Un email vient de vous être envoyé" in _post(anonymous, url, url, form).get_data(as_text=True)
    with app.app_context():
        deliver_pending()
    [message] = smtp.to("paul@entreprise.example")
    path = _personal_path(_text(message))
    _post(anonymous, path, path + "/inscription")  # confirmed: registered
    with app.app_context():
        link = db.session.scalar(select(GuestLink))
        link.link_sent_at = link.link_sent_at - timedelta(minutes=16)
        db.session.commit()
    assert "Un email vient de vous être envoyé" in _post(anonymous, url, url, form).get_data(as_text=True)
    with app.app_context():
        deliver_pending()
        assert "guest.public_throttled" in set(db.session.scalars(select(db.metadata.tables["audit_entry"].c.action)))
    first, again = smtp.to("paul@entreprise.example")
    assert again["Subject"] == "Votre inscription : Information collective"
    assert "vous êtes déjà inscrit·e, rien n'a changé" in _text(again) and "Confirmer" not in _text(again)


def test_invitation_form_asks_for_the_name_and_the_address_together(app, client, login_as, make_event):
    login_as("coanimator")
    event_id = make_event(capacity=5)
    url = f"/events/{event_id}/invites"
    page = _post(client, url, url, {"name": "", "email": "sans.nom@bailleur.example", "organisation_id": "0",
                                    "organisation_typed": "Bailleur"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Indiquez le nom de la personne." in text
    assert 'value="sans.nom@bailleur.example"' in text  # what was typed is kept
    page = _post(client, url, url, {"name": "Léa Martin", "email": "", "organisation_id": "0"})
    text = page.get_data(as_text=True)
    assert "Indiquez l'adresse email de la personne." in text
    with app.app_context():
        assert db.session.scalar(select(func.count(Guest.id))) == 0


def test_public_page_and_invitations_never_rename_a_known_guest(app, client, login_as, make_event, invite_guest, smtp):
    """Anyone can type anyone's address on the public page: the partner the organisers know keeps
    their name and organisation, and only gets their own link again, at their own address."""
    login_as("coanimator")
    event_id = make_event(capacity=3)
    invite_guest(event_id=event_id, email="lea.martin@bailleur.example", name="Léa Martin")
    other_event = make_event(capacity=3, title="Deuxième action")
    _post(client, f"/events/{event_id}/invites", f"/events/{event_id}/inscription-publique", {"open": "1"})
    _post(client, f"/events/{other_event}/invites", f"/events/{other_event}/inscription-publique", {"open": "1"})
    anonymous = app.test_client()
    for target in (event_id, other_event):  # already invited there, and a new registration elsewhere
        page = _post(anonymous, f"/inscription/evenement/{target}", f"/inscription/evenement/{target}",
                     {"name": "Usurpateur", "email": "LEA.MARTIN@bailleur.example", "organisation": "Société X"})
        assert "Un email vient de vous être envoyé" in page.get_data(as_text=True)
    # An organiser typing the address with another name does not rename her either.
    _post(client, f"/events/{other_event}/invites", f"/events/{other_event}/invites",
          {"name": "L. Martine", "email": "lea.martin@bailleur.example", "organisation_id": "0",
           "organisation_typed": "Autre bailleur"})
    with app.app_context():
        [guest] = db.session.scalars(select(Guest)).all()
        assert (guest.name, guest.organisation_typed) == ("Léa Martin", "Alpes Isère Habitat")
        deliver_pending()
    messages = smtp.to("lea.martin@bailleur.example")
    # The invitation, and the other event's confirmation: her link just sent is not sent again.
    assert len(messages) == 2
    assert all("Usurpateur" not in _text(m) and "Martine" not in _text(m) for m in messages)


def test_retention_purges_guests_after_the_period_and_unconfirmed_registrations(app, make_event, invite_guest):
    old_event = make_event(days_ahead=-400)
    recent_event = make_event(days_ahead=5)
    with app.app_context():
        old = Guest(name="Ancien", email="ancien@example.org")
        db.session.add(GuestLink(guest=old, event_id=old_event, nonce="a" * 32))
        db.session.flush()
        db.session.add(Registration(event_id=old_event, guest_id=old.id, status="registered"))
        unconfirmed = Guest(name="Pas confirmé", email="pasconfirme@example.org")
        db.session.add(GuestLink(guest=unconfirmed, event_id=recent_event, nonce="b" * 32, source="public",
                                 created_at=utcnow() - timedelta(days=3)))
        db.session.commit()
    invite_guest(event_id=recent_event, email="recent@example.org")
    with app.app_context():
        apply_retention()
        assert set(db.session.scalars(select(Guest.email))) == {"recent@example.org"}
        [kept] = db.session.scalars(select(Registration).where(Registration.event_id == old_event)).all()
        assert kept.guest_id is None and kept.user_id is None  # still counted, anonymous


def test_guest_erases_their_data_through_the_link(app, make_event, invite_guest):
    event_id = make_event(capacity=1)
    link_id, token = invite_guest(event_id=event_id)
    with app.app_context():
        services.register(db.session.get(GuestLink, link_id))
    guest = app.test_client()
    assert "Effacer mes données" in guest.get(f"/partenaire/{token}/effacer").get_data(as_text=True)
    done = _post(guest, f"/partenaire/{token}/effacer", f"/partenaire/{token}/effacer")
    assert "Vos données sont effacées" in guest.get(done.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Guest.id))) == 0
        assert db.session.scalar(select(func.count(Registration.id))) == 0  # the place is given back
    assert guest.get(f"/partenaire/{token}").status_code == 410


def test_meeting_date_fixed_then_cancelled_reaches_guests_with_calendar_and_reminder(app, make_user, invite_guest, smtp):
    from network_space.meetings import notices as meeting_notices
    from network_space.meetings import services as meeting_services

    organiser = make_user("coanimator")
    with app.app_context():
        meeting_id = polled_meeting(organiser.id)
    link_id, _ = invite_guest(meeting_id=meeting_id)
    with app.app_context():
        fix_first_slot(meeting_id, organiser.id)
        meeting_notices.meeting_reminder(meeting_id, 1)
        db.session.get(GuestLink, link_id).rsvp = "yes"
        meeting_services.cancel_meeting(db.session.get(Meeting, meeting_id), db.session.get(User, organiser.id),
                                        "Salle indisponible")
        db.session.commit()
        deliver_pending()
    messages = smtp.to("chef.chantier@bailleur.example")
    subjects = [m["Subject"] for m in messages]
    assert subjects[0].startswith("Invitation") and not _ics_parts(messages[0])  # poll: no date yet, no .ics
    assert subjects[1].startswith("Date fixée") and subjects[2].startswith("Demain") and subjects[3].startswith("Annulée")
    fixed, cancelled = _ics_parts(messages[1])[0], _ics_parts(messages[3])[0]
    assert b"METHOD:REQUEST" in fixed and b"SEQUENCE:0" in fixed
    assert b"METHOD:CANCEL" in cancelled and b"SEQUENCE:1" in cancelled
    assert Calendar.from_ical(fixed).walk("VEVENT")[0]["UID"] == Calendar.from_ical(cancelled).walk("VEVENT")[0]["UID"]
    # The members invited are not shown to a guest: she is the only attendee.
    assert _people(fixed)[1] == ["mailto:chef.chantier@bailleur.example"]


def test_a_guest_waiting_for_a_place_is_not_offered_the_date_for_their_calendar(app, make_user, make_event, invite_guest):
    event_id = make_event(capacity=1)
    member = make_user()
    with app.app_context():
        event_services.register(event_id, db.session.get(User, member.id))
    link_id, token = invite_guest(event_id=event_id)
    with app.app_context():
        services.register(db.session.get(GuestLink, link_id))
    page = app.test_client().get(f"/partenaire/{token}").get_data(as_text=True)
    assert "liste d&#39;attente (position 1)" in page or "liste d'attente (position 1)" in page
    assert "Ajouter à mon agenda" not in page
    assert "Page des partenaires invités par le réseau" in page and "Espace réservé aux membres" not in page
