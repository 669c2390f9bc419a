"""Decisions and actions of the minutes are corrected in place: text, assignee, due date."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from network_space.accounts.models import User
from network_space.core.models import utcnow
from network_space.core.scheduler import ScheduledJob
from network_space.extensions import db
from network_space.meetings import minutes as minutes_services
from network_space.meetings.models import ActionItem, Decision, Meeting
from network_space.notifications.models import Notification
from tests.meetings.conftest import make_held_meeting, post


def _setup(app, make_user):
    organiser, alice, bob = make_user("coanimator"), make_user("member"), make_user("member")
    with app.app_context():
        meeting_id = make_held_meeting(organiser.id, minutes="Relevé")
        meeting = db.session.get(Meeting, meeting_id)
        decision = minutes_services.add_decision(meeting, "Adopter la charte")
        action = minutes_services.add_action(meeting, db.session.get(User, organiser.id), "Relancer les bailleurs", alice.id,
                                     (utcnow() + timedelta(days=30)).date())
        db.session.commit()
        return organiser, alice, bob, meeting_id, decision.id, action.id


def test_a_decision_is_corrected_in_place(client, login_as, make_user, app):
    organiser, _alice, _bob, meeting_id, decision_id, _action_id = _setup(app, make_user)
    login_as(organiser)
    url = f"/meetings/{meeting_id}/decisions/{decision_id}/edit"
    minutes = client.get(f"/meetings/{meeting_id}/minutes/edit").get_data(as_text=True)
    assert f'href="{url}"' in minutes
    page = client.get(url).get_data(as_text=True)
    assert "Adopter la charte" in page and "Modifier la décision" in page
    response = post(client, url, {"decision-text": "Adopter la charte révisée"}, token_page=url)
    assert response.status_code == 302 and response.headers["Location"].endswith("#decisions")
    refused = post(client, url, {"decision-text": "x" * 2001}, token_page=url)
    assert refused.status_code == 400 and "2\u202f000 caractères au maximum." in refused.get_data(as_text=True)
    assert "x" * 2001 in refused.get_data(as_text=True)  # kept as typed
    with app.app_context():
        assert db.session.get(Decision, decision_id).text == "Adopter la charte révisée"


def test_an_action_is_reassigned_and_its_reminder_follows(client, login_as, make_user, app):
    organiser, alice, bob, meeting_id, _decision_id, action_id = _setup(app, make_user)
    login_as(organiser)
    url = f"/meetings/{meeting_id}/actions/{action_id}/edit"
    assert "Relancer les bailleurs" in client.get(url).get_data(as_text=True)
    due = (utcnow() + timedelta(days=40)).date()
    response = post(client, url, {"action-title": "Relancer les trois bailleurs", "action-assignee_id": str(bob.id),
                                  "action-due_date": due.isoformat()}, token_page=url)
    assert response.status_code == 302
    with app.app_context():
        action = db.session.get(ActionItem, action_id)
        assert (action.title, action.assignee_id, action.due_date) == ("Relancer les trois bailleurs", bob.id, due)
        assigned = db.session.scalars(select(Notification.user_id).where(Notification.kind == "action.assigned")).all()
        assert sorted(assigned) == sorted([alice.id, bob.id])  # the new assignee is told
        job = db.session.scalar(select(ScheduledJob).where(ScheduledJob.key == f"action:{action_id}:due"))
        assert job is not None and job.run_at.date() == due - timedelta(days=2)
    # Unassigned: no reminder any more.
    post(client, url, {"action-title": "Relancer les trois bailleurs", "action-assignee_id": "",
                       "action-due_date": due.isoformat()}, token_page=url)
    with app.app_context():
        assert db.session.get(ActionItem, action_id).assignee_id is None
        assert db.session.scalar(select(ScheduledJob).where(ScheduledJob.key == f"action:{action_id}:due")) is None


def test_a_refused_action_edit_keeps_the_input(client, login_as, make_user, app):
    organiser, alice, _bob, meeting_id, _decision_id, action_id = _setup(app, make_user)
    login_as(organiser)
    url = f"/meetings/{meeting_id}/actions/{action_id}/edit"
    response = post(client, url, {"action-title": "Nouveau titre", "action-assignee_id": "987654",
                                  "action-due_date": "2027-02-30"}, token_page=url)
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'value="Nouveau titre"' in body and 'value="2027-02-30"' in body and "Membre inconnu." in body
    with app.app_context():
        assert db.session.get(ActionItem, action_id).title == "Relancer les bailleurs"


def test_only_minute_writers_edit_and_only_their_meetings_items(client, login_as, make_user, app):
    organiser, alice, _bob, meeting_id, decision_id, action_id = _setup(app, make_user)
    other_organiser = make_user("coanimator")
    with app.app_context():
        other_meeting = make_held_meeting(other_organiser.id)
    for path in (f"/meetings/{meeting_id}/decisions/{decision_id}/edit", f"/meetings/{meeting_id}/actions/{action_id}/edit"):
        login_as(alice)
        assert client.get(path).status_code == 403
        assert post(client, path, {"decision-text": "Pirate", "action-title": "Pirate"}).status_code == 403
        login_as(other_organiser)  # an item reached through another meeting's address
        assert client.get(path.replace(f"/meetings/{meeting_id}/", f"/meetings/{other_meeting}/")).status_code == 404
    with app.app_context():
        assert db.session.get(Decision, decision_id).text == "Adopter la charte"
        assert db.session.get(ActionItem, action_id).title == "Relancer les bailleurs"
