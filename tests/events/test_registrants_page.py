"""The registrants page in an organiser's hands: taking a registration back (the person told, the
waiting list moving on), registering a member by hand, recording who came, and the exports."""
from __future__ import annotations

import csv
import html
import io
import re
from datetime import datetime, timedelta

from openpyxl import load_workbook
from sqlalchemy import func, select

from network_space.accounts.models import User
from network_space.core.audit import AuditEntry
from network_space.core.models import utcnow
from network_space.core.outbox import OutboxMessage, deliver_pending
from network_space.events.models import Event, Registration
from network_space.extensions import db
from tests.helpers import csrf_token


def _page(client, event_id):
    return client.get(f"/events/{event_id}/inscrits")


def _post(client, event_id, path, data=None):
    token = csrf_token(_page(client, event_id).get_data(as_text=True))
    return client.post(f"/events/{event_id}/inscrits{path}", data={"csrf_token": token, **(data or {})})


def _add(client, event_id, user_id):
    page = _page(client, event_id).get_data(as_text=True)
    token = re.search(r'name="add-csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    return client.post(f"/events/{event_id}/inscrits", data={"add-csrf_token": token, "add-user_id": str(user_id)})


def _register(app, event_id, *users, status="registered", started=False):
    with app.app_context():
        ids = []
        for user in users:
            registration = Registration(event_id=event_id, user_id=user.id, status=status)
            db.session.add(registration)
            db.session.flush()
            ids.append(registration.id)
        db.session.commit()
        return ids


def _rows(app, event_id):
    with app.app_context():
        return [tuple(r) for r in db.session.execute(
            select(User.email, Registration.status, Registration.attended).join(Registration.user)
            .where(Registration.event_id == event_id).order_by(Registration.id))]


def test_organiser_takes_a_registration_back_and_the_waiting_list_moves_on(client, login_as, make_user, make_event,
                                                                            app, smtp):
    organiser = login_as("member")
    event_id = make_event(capacity=1, organisers=[organiser])
    gone, next_in_line = make_user(full_name="Paul Girard"), make_user(full_name="Inès Robert")
    gone_id, = _register(app, event_id, gone)
    _register(app, event_id, next_in_line, status="waiting")
    page = _page(client, event_id).get_data(as_text=True)
    assert "Retirer cette inscription (Paul Girard) ? La personne en sera prévenue." in page
    assert "1 inscrit·e pour 1 place</caption>" in page

    response = _post(client, event_id, f"/{gone_id}/retirer")
    assert response.status_code == 302
    assert "Inès Robert obtient la place libérée" in client.get(response.location).get_data(as_text=True)
    assert _rows(app, event_id) == [(next_in_line.email, "registered", None)]
    with app.app_context():
        deliver_pending()
        assert db.session.scalar(select(AuditEntry.detail).where(AuditEntry.action == "event.registration_remove")) \
            == "Paul Girard"
    # What the removed member receives, as sent: the organiser's name, and replies go to them.
    raw = smtp.envelopes[[m["To"] for m in smtp.messages].index(gone.email)].content
    message = smtp.to(gone.email)[0]
    assert message["Subject"] == "Inscription retirée : Job dating chantier Les Tilleuls"
    assert message["Reply-To"] == organiser.email
    assert b"List-Unsubscribe" not in raw
    assert f"{organiser.full_name} a retiré votre inscription" in message.get_body(("plain",)).get_content()
    # Its calendar file takes the event out of their calendar, as sent.
    [ics] = [p.get_payload(decode=True) for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert b"METHOD:CANCEL\r\n" in ics and b"STATUS:CANCELLED\r\n" in ics
    assert f"UID:event-{event_id}@".encode() in ics
    [promoted] = smtp.to(next_in_line.email)
    assert promoted["Subject"] == "Une place s'est libérée : Job dating chantier Les Tilleuls"
    # The place comes with its calendar file, as a change would.
    assert [p.get_filename() for p in promoted.iter_attachments()] == [f"evenement-{event_id}.ics"]

    # The same row again (a second tab): refused in words, nothing else touched.
    response = _post(client, event_id, f"/{gone_id}/retirer")
    assert "Cette inscription n&#39;existe plus" in client.get(response.location).get_data(as_text=True)
    assert _rows(app, event_id) == [(next_in_line.email, "registered", None)]


def test_leaving_the_waiting_list_is_said_so(client, login_as, make_user, make_event, app, smtp):
    organiser = login_as("member")
    event_id = make_event(capacity=1, organisers=[organiser])
    _register(app, event_id, make_user())
    waiting_id, = _register(app, event_id, waiting := make_user(), status="waiting")
    _post(client, event_id, f"/{waiting_id}/retirer")
    with app.app_context():
        deliver_pending()
    [message] = smtp.to(waiting.email)
    assert message["Subject"] == "Liste d'attente quittée : Job dating chantier Les Tilleuls"
    assert f"{organiser.full_name} vous a retiré·e de la liste d'attente" in message.get_body(("plain",)).get_content()


def test_a_cancelled_event_keeps_its_registrations_and_takes_no_attendance(client, login_as, make_user, make_event,
                                                                          app):
    organiser = login_as("member")
    event_id = make_event(organisers=[organiser], status="cancelled", day=(utcnow() - timedelta(days=1)).date())
    someone = make_user()
    registration_id, = _register(app, event_id, someone)
    page = _page(client, event_id).get_data(as_text=True)
    assert "Retirer" not in page and 'name="present"' not in page
    response = _post(client, event_id, f"/{registration_id}/retirer")
    assert "Cet événement est annulé : ses inscriptions restent telles quelles." in \
        client.get(response.location).get_data(as_text=True)
    response = _post(client, event_id, "/presences", {"present": str(registration_id)})
    assert "il n&#39;y a pas de présences à noter" in client.get(response.location).get_data(as_text=True)
    assert _rows(app, event_id) == [(someone.email, "registered", None)]


def test_a_registration_of_another_event_is_not_taken_back_from_this_one(client, login_as, make_user, make_event, app):
    organiser = login_as("member")
    mine = make_event(organisers=[organiser])
    other = make_event(title="Forum de l'alternance")
    someone = make_user()
    their_id, = _register(app, other, someone)
    response = _post(client, mine, f"/{their_id}/retirer")
    assert response.status_code == 302
    assert _rows(app, other) == [(someone.email, "registered", None)]
    # Nor by a member who does not organise the event.
    login_as("member")
    assert _post(client, other, f"/{their_id}/retirer").status_code == 403
    assert _rows(app, other) == [(someone.email, "registered", None)]


def test_organiser_registers_a_member_by_hand(client, login_as, make_user, make_event, app, smtp):
    organiser = login_as("member")
    event_id = make_event(capacity=1, organisers=[organiser])
    first, second = make_user(full_name="Chloé Bernard"), make_user(full_name="Hugo Petit")
    response = _add(client, event_id, first.id)
    assert response.status_code == 302
    assert "Chloé Bernard est inscrit·e et en est prévenu·e." in client.get(response.location).get_data(as_text=True)
    response = _add(client, event_id, second.id)
    assert "Hugo Petit est sur la liste d&#39;attente (position 1)" in client.get(response.location).get_data(as_text=True)
    assert _rows(app, event_id) == [(first.email, "registered", None), (second.email, "waiting", None)]
    # Those registered are no longer offered.
    page = _page(client, event_id).get_data(as_text=True)
    assert f'value="{first.id}"' not in page.split('id="add-user_id"')[1]
    with app.app_context():
        deliver_pending()
    registered = smtp.to(first.email)[0]
    assert registered["Subject"] == "Vous êtes inscrit·e : Job dating chantier Les Tilleuls"
    assert f"{organiser.full_name} vous a inscrit·e à" in registered.get_body(("plain",)).get_content()
    assert [p.get_filename() for p in registered.iter_attachments()] == [f"evenement-{event_id}.ics"]
    assert smtp.to(second.email)[0]["Subject"] == "Liste d'attente : Job dating chantier Les Tilleuls"

    # No member chosen: a French message, the page again.
    page = _add(client, event_id, 0)
    assert page.status_code == 400 and "Choisissez le membre à inscrire." in page.get_data(as_text=True)
    # Registered from another tab meanwhile: said in words.
    page = _add(client, event_id, first.id)
    assert page.status_code == 400
    assert "Ce membre est déjà inscrit ou sur la liste d'attente" in html.unescape(page.get_data(as_text=True))


def test_someone_who_came_without_registering_takes_a_place_once_the_event_has_begun(client, login_as, make_user,
                                                                                     make_event, app):
    organiser = login_as("member")
    event_id = make_event(capacity=1, organisers=[organiser], day=(utcnow() - timedelta(days=1)).date())
    already, walk_in = make_user(), make_user(full_name="Noé Marchand")
    _register(app, event_id, already)
    response = _add(client, event_id, walk_in.id)
    assert "Noé Marchand est inscrit·e." in client.get(response.location).get_data(as_text=True)
    assert _rows(app, event_id) == [(already.email, "registered", None), (walk_in.email, "registered", None)]
    with app.app_context():  # they are there: no "if you cannot come" email about a day gone
        assert db.session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.recipient == walk_in.email)) == 0
    assert "Il y a plus d'inscrits que de places (2 pour 1)." in _page(client, event_id).get_data(as_text=True)


def test_nobody_is_added_to_a_cancelled_event(client, login_as, make_user, make_event, app):
    organiser = login_as("member")
    event_id = make_event(organisers=[organiser], status="cancelled")
    someone = make_user()
    assert "Inscrire un membre" not in _page(client, event_id).get_data(as_text=True)
    with app.app_context():
        from network_space.events import services

        try:
            services.register(event_id, db.session.get(User, someone.id), actor=db.session.get(User, organiser.id))
        except services.RegistrationError as error:
            assert str(error) == "Cet événement est annulé."
        else:
            raise AssertionError("registered to a cancelled event")
    assert _rows(app, event_id) == []


def test_attendance_is_recorded_once_the_event_has_begun_and_exported(client, login_as, make_user, make_event, app):
    organiser = login_as("member")
    event_id = make_event(organisers=[organiser], capacity=5)
    came, missed, waiting = make_user(full_name="Nora Lemoine"), make_user(), make_user()
    came_id, missed_id = _register(app, event_id, came, missed)
    _register(app, event_id, waiting, status="waiting")
    page = _page(client, event_id).get_data(as_text=True)
    assert "Enregistrer les présences" not in page and 'name="present"' not in page
    response = _post(client, event_id, "/presences", {"present": str(came_id)})
    assert "Les présences se notent une fois l&#39;événement commencé." in \
        client.get(response.location).get_data(as_text=True)
    assert [row[2] for row in _rows(app, event_id)] == [None, None, None]

    with app.app_context():
        event = db.session.get(Event, event_id)
        event.starts_at -= timedelta(days=11)
        event.ends_at -= timedelta(days=11)
        db.session.commit()
    page = _page(client, event_id).get_data(as_text=True)
    assert page.count('name="present"') == 2  # the registered, not the waiting list
    response = _post(client, event_id, "/presences", {"present": [str(came_id), "999999", "x", "²", "٩٥"]})
    assert "Présences enregistrées : 1 personne est venue." in client.get(response.location).get_data(as_text=True)
    assert _rows(app, event_id) == [(came.email, "registered", True), (missed.email, "registered", False),
                                    (waiting.email, "waiting", None)]
    page = " ".join(_page(client, event_id).get_data(as_text=True).split())
    assert "Personnes venues : 1 sur 2 inscrit·es." in page
    assert f'id="present-{came_id}" checked' in page and f'id="present-{missed_id}">' in page

    text = client.get(f"/events/{event_id}/inscrits.csv").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][-2:] == ["Inscrit·e le", "Venu·e"]
    assert [row[-1] for row in rows[1:]] == ["oui", "non", ""]
    assert re.fullmatch(r"\d\d/\d\d/20\d\d \d\d:\d\d", rows[1][-2])

    sheet = load_workbook(io.BytesIO(client.get(f"/events/{event_id}/inscrits.xlsx").data)).active
    registered_on = sheet.cell(row=2, column=6)
    # A date Excel sorts and filters, in Paris time, not a text.
    assert isinstance(registered_on.value, datetime) and registered_on.number_format == "DD/MM/YYYY HH:MM"
    assert registered_on.value.strftime("%d/%m/%Y %H:%M") == rows[1][-2]
    assert [sheet.cell(row=r, column=7).value for r in (2, 3)] == ["oui", "non"]
