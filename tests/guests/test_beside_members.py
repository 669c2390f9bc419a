"""Guests beside members where organisers work (the registrants' XLSX, the message to registrants),
what a guest's page keeps to itself, a closed poll, and the links' rate limit."""
from __future__ import annotations

import html
import io
import threading
import zipfile

from werkzeug.serving import make_server

from network_space.accounts.models import User
from network_space.core.outbox import deliver_pending
from network_space.events import services as event_services
from network_space.extensions import db, limiter
from network_space.guests import services
from network_space.guests.models import GuestLink
from tests.guests.conftest import fix_first_slot, polled_meeting
from tests.helpers import csrf_token, free_port


def test_registrants_xlsx_and_message_reach_the_guest_with_the_organisation(app, client, login_as, make_user,
                                                                            make_event, invite_guest, smtp):
    organiser = login_as("coanimator")
    event_id = make_event(capacity=5, title="Visite de chantier")
    link_id, _ = invite_guest(event_id=event_id)
    with app.app_context():
        services.register(db.session.get(GuestLink, link_id))

    xlsx = client.get(f"/events/{event_id}/inscrits.xlsx")
    with zipfile.ZipFile(io.BytesIO(xlsx.data)) as archive:
        # openpyxl writes inline strings, non-ASCII letters as character references.
        sheet = html.unescape(archive.read("xl/worksheets/sheet1.xml").decode())
    assert ("<t>Léa Martin</t></is></c><c r=\"B2\" t=\"inlineStr\"><is><t>chef.chantier@bailleur.example</t></is></c>"
            "<c r=\"C2\" t=\"inlineStr\"><is><t>Alpes Isère Habitat (invité·e)</t>") in sheet

    page = client.get(f"/events/{event_id}/message").get_data(as_text=True)
    response = client.post(f"/events/{event_id}/message", data={
        "csrf_token": csrf_token(page), "subject": "Chaussures de sécurité", "body": "Prévoir des chaussures."})
    assert response.status_code == 302
    with app.app_context():
        deliver_pending()
    [message] = [m for m in smtp.to("chef.chantier@bailleur.example") if "Chaussures" in m["Subject"]]
    raw = message.as_bytes()
    assert f"Reply-To: {organiser.email}".encode() in raw
    text = next(p.get_payload(decode=True).decode() for p in message.walk() if p.get_content_type() == "text/plain")
    assert "Prévoir des chaussures." in text and "/partenaire/" in text and "/effacer" in text


def test_a_guest_page_shows_no_other_person_s_address(app, make_user, make_event, invite_guest):
    member = make_user("member", full_name="Sophie Membre")
    event_id = make_event(capacity=5)
    with app.app_context():
        event_services.register(event_id, db.session.get(User, member.id))
    other_id, _ = invite_guest(event_id=event_id, email="autre@esat.example", name="Paul Autre", organisation="ESAT")
    _, token = invite_guest(event_id=event_id)
    with app.app_context():
        services.register(db.session.get(GuestLink, other_id))
    page = app.test_client().get(f"/partenaire/{token}").get_data(as_text=True)
    for shown in (member.email, "Sophie Membre", "autre@esat.example", "Paul Autre"):
        assert shown not in page


def test_a_guest_cannot_answer_a_closed_poll(app, make_user, invite_guest):
    organiser = make_user("coanimator")
    with app.app_context():
        meeting_id = polled_meeting(organiser.id)
    link_id, token = invite_guest(meeting_id=meeting_id)
    with app.app_context():
        slot_id = fix_first_slot(meeting_id, organiser.id)
    guest = app.test_client()
    page = guest.get(f"/partenaire/{token}").get_data(as_text=True)
    response = guest.post(f"/partenaire/{token}/sondage", data={"csrf_token": csrf_token(page), f"slot-{slot_id}": "yes"},
                          follow_redirects=True)
    assert "Ce sondage est clos." in response.get_data(as_text=True)
    with app.app_context():
        assert services.poll_response(db.session.get(GuestLink, link_id)) is None


def test_personal_links_and_the_public_page_are_rate_limited_with_a_french_page(app, make_user, make_event,
                                                                                invite_guest):
    """The site served as in production (limits on), on the same database: past the limit, a
    personal link, and the public registration form, answer 429 with the French page."""
    from network_space import create_app

    event_id = make_event()
    _, token = invite_guest(event_id=event_id)
    with app.app_context():
        from network_space.events.models import Event
        services.set_public(db.session.get(Event, event_id), True, db.session.get(User, make_user("coanimator").id))
        db.session.commit()
    # The one Limiter of extensions.py takes "enabled" from the last app it was given: put it back after.
    was_enabled = limiter.enabled
    limited = create_app("testing", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                         DATA_DIR=app.config["DATA_DIR"], SEARCH_INDEX_DIR=app.config["SEARCH_INDEX_DIR"],
                         RATELIMIT_ENABLED=True, GUEST_LINK_RATE_LIMIT="3 per minute",
                         GUEST_PUBLIC_RATE_LIMIT="2 per minute")
    port = free_port()
    server = make_server("127.0.0.1", port, limited, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        import urllib.error
        import urllib.request

        statuses = []
        for _ in range(4):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/partenaire/{token}") as response:
                    statuses.append(response.status)
            except urllib.error.HTTPError as error:
                statuses.append(error.code)
                body = error.read().decode()
        assert statuses == [200, 200, 200, 429]
        assert "Trop de tentatives" in body
        # A robot posting the public form again and again, with its session's CSRF token.
        import http.cookiejar
        from urllib.parse import urlencode

        robot = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        public_url = f"http://127.0.0.1:{port}/inscription/evenement/{event_id}"
        with robot.open(public_url) as response:
            form_token = csrf_token(response.read().decode())
        statuses = []
        for n in range(3):
            data = urlencode({"csrf_token": form_token, "name": "Robot", "email": f"robot{n}@spam.example",
                              "organisation": "Spam"}).encode()
            try:
                with robot.open(urllib.request.Request(public_url, data=data, method="POST")) as response:
                    statuses.append(response.status)
            except urllib.error.HTTPError as error:
                statuses.append(error.code)
        assert statuses == [200, 200, 429]
    finally:
        limiter.enabled = was_enabled
        server.shutdown()
        thread.join()
        with limited.app_context():
            db.engine.dispose()


def test_an_organiser_takes_a_guest_s_place_back_and_the_guest_is_told(app, client, login_as, make_event,
                                                                       invite_guest, smtp):
    from network_space.events.models import Registration

    organiser = login_as("coanimator")
    event_id = make_event(capacity=5, title="Visite de chantier")
    link_id, _ = invite_guest(event_id=event_id)
    with app.app_context():
        services.register(db.session.get(GuestLink, link_id))
        registration_id = db.session.scalar(db.select(Registration.id).where(Registration.event_id == event_id))
    page = client.get(f"/events/{event_id}/inscrits").get_data(as_text=True)
    response = client.post(f"/events/{event_id}/inscrits/{registration_id}/retirer",
                           data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    with app.app_context():
        deliver_pending()
        assert db.session.get(Registration, registration_id) is None
    [message] = [m for m in smtp.to("chef.chantier@bailleur.example") if "retirée" in m["Subject"]]
    raw = message.as_bytes()
    assert f"Reply-To: {organiser.email}".encode() in raw
    # The calendar file takes the event out of the guest's calendar.
    [ics] = [p.get_payload(decode=True) for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert b"METHOD:CANCEL\r\n" in ics
    text = next(p.get_payload(decode=True).decode() for p in message.walk() if p.get_content_type() == "text/plain")
    assert f"{organiser.full_name} a retiré votre inscription à « Visite de chantier »" in text
