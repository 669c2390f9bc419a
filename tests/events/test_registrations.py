"""Registrations, the waiting list, the race on the last place, registrant exports and emails."""
from __future__ import annotations

import csv
import io
import re
import threading
import zipfile

from openpyxl import load_workbook
from sqlalchemy import func, select

from network_space.accounts.models import User
from network_space.core.outbox import OutboxMessage, deliver_pending
from network_space.events import services
from network_space.events.models import Registration
from network_space.extensions import db
from tests.helpers import csrf_token


def _register(client, event_id):
    token = csrf_token(client.get(f"/events/{event_id}").get_data(as_text=True))
    return client.post(f"/events/{event_id}/inscription", data={"csrf_token": token})


def _statuses(app, event_id):
    with app.app_context():
        rows = db.session.execute(
            select(User.email, Registration.status).join(Registration.user)
            .where(Registration.event_id == event_id).order_by(Registration.id)
        ).all()
        return [tuple(r) for r in rows]


def test_register_then_waiting_list_then_promotion(client, login_as, make_user, make_event, app, smtp):
    event_id = make_event(capacity=1)
    first = login_as("member")
    response = _register(client, event_id)
    assert response.status_code == 302
    assert "Vous êtes inscrit·e" in client.get(f"/events/{event_id}").get_data(as_text=True)
    second = login_as("member")
    _register(client, event_id)
    page = client.get(f"/events/{event_id}").get_data(as_text=True)
    assert "liste d&#39;attente (position 1)" in page
    assert "1 inscrit·e pour 1 place" in page and "1 places" not in page
    third = login_as("member")
    _register(client, event_id)
    assert _statuses(app, event_id) == [(first.email, "registered"), (second.email, "waiting"),
                                        (third.email, "waiting")]
    # Registering twice changes nothing.
    _register(client, event_id)
    assert len(_statuses(app, event_id)) == 3

    login_as(first)
    token = csrf_token(client.get(f"/events/{event_id}").get_data(as_text=True))
    client.post(f"/events/{event_id}/desinscription", data={"csrf_token": token})
    assert _statuses(app, event_id) == [(second.email, "registered"), (third.email, "waiting")]
    with app.app_context():
        deliver_pending()
    promoted = smtp.to(second.email)
    assert len(promoted) == 1
    assert "Une place s'est libérée" in promoted[0]["Subject"]
    assert not smtp.to(third.email)


def test_leaving_the_waiting_list_promotes_nobody(ctx, make_user, make_event):
    event_id = make_event(capacity=1)
    a, b, c = (db.session.get(User, make_user().id) for _ in range(3))
    services.register(event_id, a)
    services.register(event_id, b)
    services.register(event_id, c)
    assert services.unregister(event_id, b) is None
    assert [r.user_id for r in services.registrations(db.session.get(services.Event, event_id), "waiting")] == [c.id]


def test_larger_capacity_promotes_waiting_people(ctx, make_user, make_event):
    from network_space.events.services import EventInput

    event_id = make_event(capacity=1)
    users = [db.session.get(User, make_user().id) for _ in range(3)]
    for user in users:
        services.register(event_id, user)
    event = db.session.get(services.Event, event_id)
    data = EventInput(title=event.title, kind=event.kind, starts_at=event.starts_at, ends_at=event.ends_at,
                      capacity=2, organiser_ids=[])
    services.update_event(event_id, data, users[0])
    db.session.commit()
    statuses = [r.status for r in services.registrations(db.session.get(services.Event, event_id))]
    assert statuses == ["registered", "registered", "waiting"]
    assert db.session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.recipient == users[1].email)) == 1


def test_deadline_and_cancellation_close_registration(ctx, make_user, make_event):
    from datetime import timedelta

    from network_space.core.models import utcnow

    user = db.session.get(User, make_user().id)
    closed = make_event(registration_deadline=utcnow() - timedelta(hours=1))
    try:
        services.register(closed, user)
    except services.RegistrationError as error:
        assert "date limite" in str(error)
    else:
        raise AssertionError("registration after the deadline was accepted")
    cancelled = make_event(status="cancelled")
    try:
        services.register(cancelled, user)
    except services.RegistrationError as error:
        assert "annulé" in str(error)
    else:
        raise AssertionError("registration to a cancelled event was accepted")
    assert db.session.scalar(select(func.count(Registration.id))) == 0


def test_two_members_racing_for_the_last_place(app, make_user, make_event):
    """Two requests for the last place at the same moment, each in its own session and database
    connection: exactly one gets the place, the other is put on the waiting list."""
    for _ in range(5):
        event_id = make_event(capacity=1)
        users = [make_user(), make_user()]
        barrier = threading.Barrier(2)
        errors = []

        def take_place(user_id):
            with app.app_context():
                user = db.session.get(User, user_id)
                db.session.commit()
                barrier.wait()
                try:
                    services.register(event_id, user)
                except Exception as error:  # noqa: BLE001 - reported below
                    errors.append(error)
                finally:
                    db.session.remove()

        threads = [threading.Thread(target=take_place, args=(u.id,)) for u in users]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        statuses = sorted(status for _, status in _statuses(app, event_id))
        assert statuses == ["registered", "waiting"]


def test_two_http_requests_racing_for_the_last_place(app, make_user, make_event):
    from network_space.accounts.models import User as _User  # noqa: F401

    event_id = make_event(capacity=1)
    clients, tokens = [], []
    for _ in range(2):
        client = app.test_client()
        user = make_user()
        with client.session_transaction() as session:
            session["_user_id"] = user.session_token
        tokens.append(csrf_token(client.get(f"/events/{event_id}").get_data(as_text=True)))
        clients.append(client)
    barrier = threading.Barrier(2)
    codes = []

    def post(client, token):
        barrier.wait()
        codes.append(client.post(f"/events/{event_id}/inscription", data={"csrf_token": token}).status_code)

    threads = [threading.Thread(target=post, args=pair) for pair in zip(clients, tokens)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert codes == [302, 302]
    assert sorted(status for _, status in _statuses(app, event_id)) == ["registered", "waiting"]


def _registered_with_hostile_name(app, make_user, make_event, organiser):
    event_id = make_event(capacity=5, organisers=[organiser])
    hostile = make_user(full_name='=HYPERLINK("http://evil.example","clic")', phone="+33 4 76 00 00 00")
    plain = make_user(full_name="Hélène Martin")
    with app.app_context():
        for user in (hostile, plain):
            db.session.add(Registration(event_id=event_id, user_id=user.id, status="registered"))
        db.session.commit()
    return event_id


def test_export_csv_neutralises_formulas(client, login_as, make_user, make_event, app):
    organiser = login_as("member")
    event_id = _registered_with_hostile_name(app, make_user, make_event, organiser)
    response = client.get(f"/events/{event_id}/inscrits.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"  # once
    text = response.data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][0] == "Nom"
    names = [row[0] for row in rows[1:]]
    assert "'=HYPERLINK(\"http://evil.example\",\"clic\")" in names and "Hélène Martin" in names
    assert all(not row[3].startswith("+") for row in rows[1:])


def test_export_xlsx_neutralises_formulas(client, login_as, make_user, make_event, app):
    organiser = login_as("member")
    event_id = _registered_with_hostile_name(app, make_user, make_event, organiser)
    response = client.get(f"/events/{event_id}/inscrits.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    # Text as typed, in a text cell that no spreadsheet runs: no formula element in the file.
    assert "=HYPERLINK(\"http://evil.example\",\"clic\")" in [c.value for c in cells]
    with zipfile.ZipFile(io.BytesIO(response.data)) as package:
        xml = package.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in xml
    # No phone and no attendance recorded: no cell, rather than an empty text one Excel counts.
    assert sheet["G1"].value == "Venu·e" and b'r="G1"' in xml and b'r="G2"' not in xml
    assert not re.search(rb'<c [^>]*t="inlineStr"\s*(?:/>|></c>)', xml), "an empty text cell"


def test_export_and_message_are_for_organisers_only(client, login_as, make_event):
    login_as("member")
    event_id = make_event()
    assert client.get(f"/events/{event_id}/inscrits.csv").status_code == 403
    assert client.get(f"/events/{event_id}/inscrits.xlsx").status_code == 403
    assert client.get(f"/events/{event_id}/message").status_code == 403


def test_organiser_emails_registrants(client, login_as, make_user, make_event, app, smtp):
    organiser = login_as("coanimator")
    event_id = make_event(capacity=1, organisers=[organiser])
    registered, waiting = make_user(), make_user()
    with app.app_context():
        db.session.add(Registration(event_id=event_id, user_id=registered.id, status="registered"))
        db.session.add(Registration(event_id=event_id, user_id=waiting.id, status="waiting"))
        db.session.commit()
    url = f"/events/{event_id}/message"
    token = csrf_token(client.get(url).get_data(as_text=True))
    response = client.post(url, data={"csrf_token": token, "subject": "Plan d'accès",
                                      "body": "Le parking est **derrière** le bâtiment."})
    assert response.status_code == 302
    with app.app_context():
        deliver_pending()
    assert len(smtp.to(registered.email)) == 1 and not smtp.to(waiting.email)
    message = smtp.to(registered.email)[0]
    assert message["Subject"] == "Plan d'accès"
    assert message["Reply-To"] == organiser.email
    assert "derrière" in message.get_body(("plain",)).get_content()


def test_the_export_lists_the_registered_then_the_waiting_list_in_its_order(client, login_as, make_user, make_event, app):
    organiser = login_as("coanimator")
    event_id = make_event(capacity=1, organisers=[organiser])
    first_waiting, registered, second_waiting = (make_user(full_name=n) for n in ("Ava Attente", "Bob Inscrit", "Cid Attente"))
    with app.app_context():
        # Registered in this order: the waiting list before the place was given back, say.
        db.session.add(Registration(event_id=event_id, user_id=first_waiting.id, status="waiting"))
        db.session.add(Registration(event_id=event_id, user_id=registered.id, status="registered"))
        db.session.add(Registration(event_id=event_id, user_id=second_waiting.id, status="waiting"))
        db.session.commit()
    text = client.get(f"/events/{event_id}/inscrits.csv").data.decode("utf-8-sig")
    rows = [(row[0], row[4]) for row in csv.reader(io.StringIO(text), delimiter=";")][1:]
    assert rows == [("Bob Inscrit", "Inscrit·e"), ("Ava Attente", "Liste d'attente (1)"), ("Cid Attente", "Liste d'attente (2)")]
