"""Only organisers (and admins) edit; the secretary writes minutes; only invitees answer; co-animators create."""
from __future__ import annotations

from datetime import date, time

from network_space.accounts.models import User
from network_space.extensions import db
from network_space.meetings import polls, services
from network_space.meetings.models import Meeting
from tests.meetings.conftest import make_meeting, post


def _setup(app, make_user, **fields):
    organiser = make_user("coanimator")
    invitee = make_user("member")
    with app.app_context():
        meeting_id = make_meeting(organiser.id, invitee_ids=[invitee.id],
                                  slots=[(date(2027, 3, 2), time(9), time(11))], **fields)
        meeting = db.session.get(Meeting, meeting_id)
        polls.open_poll(meeting, db.session.get(User, organiser.id))
        db.session.commit()
        slot_id = meeting.slots[0].id
    return organiser, invitee, meeting_id, slot_id


def test_members_cannot_create_meetings(client, login_as):
    login_as("member")
    assert client.get("/meetings/new").status_code == 403
    login_as("coanimator")
    assert client.get("/meetings/new").status_code == 200


def test_only_invitees_answer_and_only_organisers_edit(client, login_as, make_user, app):
    organiser, invitee, meeting_id, slot_id = _setup(app, make_user)
    login_as("member")  # not invited
    assert client.get(f"/meetings/{meeting_id}").status_code == 200
    assert post(client, f"/meetings/{meeting_id}/poll/answer", {f"slot-{slot_id}": "yes"}).status_code == 403
    assert client.get(f"/meetings/{meeting_id}/edit").status_code == 403
    assert post(client, f"/meetings/{meeting_id}/poll/choose/{slot_id}").status_code == 403
    login_as("coanimator")  # another co-animator, not an organiser
    assert client.get(f"/meetings/{meeting_id}/edit").status_code == 403
    assert post(client, f"/meetings/{meeting_id}/cancel", {"reason": "x"}).status_code == 403
    login_as(invitee)
    assert post(client, f"/meetings/{meeting_id}/poll/answer", {f"slot-{slot_id}": "yes"}).status_code == 302
    assert client.get(f"/meetings/{meeting_id}/minutes/edit").status_code == 403
    login_as(organiser)
    assert client.get(f"/meetings/{meeting_id}/edit").status_code == 200
    login_as("admin")
    assert client.get(f"/meetings/{meeting_id}/edit").status_code == 200


def test_secretary_writes_minutes(client, login_as, make_user, app):
    secretary = make_user("member")
    organiser, invitee, meeting_id, slot_id = _setup(app, make_user, secretary_id=secretary.id)
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        polls.choose_slot(meeting, meeting.slots[0], db.session.get(User, organiser.id))
        db.session.commit()
    login_as(secretary)
    url = f"/meetings/{meeting_id}/minutes/edit"
    assert client.get(url).status_code == 200
    assert post(client, url, {"body": "Notes"}, token_page=url).status_code == 302
    login_as(invitee)
    assert client.get(url).status_code == 403
    assert post(client, f"/meetings/{meeting_id}/decisions", {"decision-text": "x"}).status_code == 403


def test_drafts_and_private_meetings_are_hidden(client, login_as, make_user, app):
    organiser = make_user("coanimator")
    invitee = make_user("member")
    with app.app_context():
        draft_id = make_meeting(organiser.id, invitee_ids=[invitee.id], title="Brouillon secret")
        private_id = make_meeting(organiser.id, invitee_ids=[invitee.id], title="Copil restreint", private=True)
        services.schedule(db.session.get(Meeting, private_id), *_times(), db.session.get(User, organiser.id))
        db.session.commit()
    login_as("member")
    assert client.get(f"/meetings/{draft_id}").status_code == 403
    assert client.get(f"/meetings/{private_id}").status_code == 403
    assert client.get(f"/meetings/{private_id}.ics").status_code == 403
    listing = client.get("/meetings/").get_data(as_text=True)
    assert "Brouillon secret" not in listing and "Copil restreint" not in listing
    login_as(invitee)
    assert client.get(f"/meetings/{private_id}").status_code == 200
    assert "Copil restreint" in client.get("/meetings/").get_data(as_text=True)
    assert client.get("/meetings/99999").status_code == 404


def test_anonymous_is_sent_to_login(client):
    response = client.get("/meetings/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def _times():
    from network_space.core.dates import paris_to_utc

    return paris_to_utc(date(2027, 4, 6), time(9)), paris_to_utc(date(2027, 4, 6), time(12))
