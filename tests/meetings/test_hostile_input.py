"""Every meetings form and filter: hostile values give French errors or a redirect, never a 500."""
from __future__ import annotations

from datetime import date, time

from network_space.accounts.models import User
from network_space.extensions import db
from network_space.meetings import polls, services
from network_space.meetings.models import Meeting
from tests.helpers import csrf_token
from tests.meetings.conftest import make_held_meeting, make_meeting

VALUES = ["", "abc", "-1", "99999999999999999999", "x" * 110_000, "\x00", "é", "2027-02-30", "25:99"]


def test_meeting_forms_survive_hostile_input(client, login_as, make_user, app):
    organiser = make_user("coanimator")
    with app.app_context():
        poll_id = make_meeting(organiser.id, invitee_ids=[organiser.id])
        polls.open_poll(db.session.get(Meeting, poll_id), db.session.get(User, organiser.id))
        held_id = make_meeting(organiser.id, slots=[(date(2027, 1, 4), time(9), time(10))])
        held = db.session.get(Meeting, held_id)
        services.schedule(held, held.slots[0].starts_at, held.slots[0].ends_at, db.session.get(User, organiser.id))
        db.session.commit()
    login_as(organiser)
    forms = [
        ("/meetings/new", "/meetings/new", ["title", "kind", "series_id", "new_series", "format", "place", "video_link",
                                            "description", "invite_scope", "invite_sector", "territory_ids",
                                            "named_member_ids", "organiser_ids", "secretary_id", "resource_ids"]),
        (f"/meetings/{poll_id}/slots", f"/meetings/{poll_id}/slots", ["slots-0-day", "slots-0-start", "slots-0-end"]),
        (f"/meetings/{poll_id}/schedule", f"/meetings/{poll_id}/schedule", ["day", "start", "end"]),
        (f"/meetings/{poll_id}", f"/meetings/{poll_id}/poll/answer", ["comment"]),
        (f"/meetings/{poll_id}", f"/meetings/{poll_id}/agenda", ["title", "duration", "presenter", "description", "resource_ids"]),
        (f"/meetings/{held_id}/minutes/edit", f"/meetings/{held_id}/minutes/edit", ["body"]),
        (f"/meetings/{held_id}/minutes/edit", f"/meetings/{held_id}/decisions", ["decision-text"]),
        (f"/meetings/{held_id}/minutes/edit", f"/meetings/{held_id}/actions", ["action-title", "action-assignee_id", "action-due_date"]),
    ]
    for page, action, fields in forms:
        token = csrf_token(client.get(page).get_data(as_text=True))
        for value in VALUES:
            response = client.post(action, data={"csrf_token": token, **{f: value for f in fields}})
            assert response.status_code in (200, 302, 400), (action, value[:20], response.status_code)
            body = response.get_data(as_text=True)
            assert "Not a valid" not in body and "Invalid" not in body, (action, value[:20])
    for query in ("kind=%00", "series=%00", "territory=abc", "page=-5", "kind=x&series=99999999999999999999"):
        assert client.get(f"/meetings/?{query}").status_code == 200, query
    with app.app_context():
        minutes = db.session.get(Meeting, held_id).minutes
        assert minutes is None or "\x00" not in minutes.body


def test_huge_ids_in_urls_are_not_found(client, login_as):
    login_as("coanimator")
    huge = "99999999999999999999"
    for path in (f"/meetings/{huge}", f"/meetings/{huge}.ics", f"/meetings/{huge}/minutes", f"/meetings/{huge}/minutes/revisions/{huge}"):
        assert client.get(path).status_code == 404, path


def test_refused_decision_or_action_comes_back_as_typed(client, login_as, make_user, app):
    organiser = make_user("coanimator")
    with app.app_context():
        held_id = make_held_meeting(organiser.id, minutes="Relevé déjà écrit")
    login_as(organiser)
    token = csrf_token(client.get(f"/meetings/{held_id}/minutes/edit").get_data(as_text=True))
    long_text = "Décision très longue " * 100
    response = client.post(f"/meetings/{held_id}/decisions", data={"csrf_token": token, "decision-text": long_text})
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "2\u202f000 caractères au maximum." in body and long_text.strip() in body
    assert "Relevé déjà écrit" in body  # the minutes being edited are still there
    response = client.post(f"/meetings/{held_id}/actions", data={
        "csrf_token": token, "action-title": "Relancer les bailleurs", "action-assignee_id": "987654",
        "action-due_date": "2027-02-30"})
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'value="Relancer les bailleurs"' in body and 'value="2027-02-30"' in body
    assert "Membre inconnu." in body and "Indiquez une date valide (jour, mois, année)." in body
    with app.app_context():
        meeting = db.session.get(Meeting, held_id)
        assert not meeting.decisions and not meeting.actions
