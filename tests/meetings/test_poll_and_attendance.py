"""The poll's answers, the RSVPs and the minutes' attendance agree (issue 13, item 3): the
participants box of a poll counts who answered; "Oui" to the slot then chosen is "Je viens"
(changeable); the minutes' attendance starts from the RSVPs."""
from __future__ import annotations

import re
from datetime import date, time

from network_space.accounts.models import User
from network_space.extensions import db
from network_space.meetings import polls, services
from network_space.meetings.models import ANSWER_MAYBE, ANSWER_NO, ANSWER_YES, Meeting
from tests.meetings.conftest import make_meeting, post

SLOTS = ((date(2027, 3, 9), time(9), time(12)), (date(2027, 3, 11), time(14), time(17)))


def _poll(app, make_user, answers_by_name: dict[str, tuple[str, str]], silent: int):
    """An open poll with two slots: each named member answers (slot 1, slot 2); ``silent`` more are invited."""
    organiser = make_user("coanimator", full_name="Zoé Organisatrice")
    people = {name: make_user("member", full_name=name) for name in answers_by_name}
    quiet = [make_user("member", full_name=f"Silencieux {n}") for n in range(silent)]
    with app.app_context():
        meeting_id = make_meeting(organiser.id, invitee_ids=[u.id for u in [*people.values(), *quiet]], slots=SLOTS)
        meeting = db.session.get(Meeting, meeting_id)
        polls.open_poll(meeting, db.session.get(User, organiser.id))
        for name, values in answers_by_name.items():
            polls.answer_poll(meeting, db.session.get(User, people[name].id),
                              {slot.id: value for slot, value in zip(meeting.slots, values)})
        db.session.commit()
    return organiser, people, meeting_id


def _headings(html: str) -> list[str]:
    return [" ".join(h.split()) for h in re.findall(r'<h3 class="rsvp-heading">(.*?)</h3>', html, re.S)]


def test_the_participants_box_of_a_poll_counts_who_answered(app, client, make_user, login_as):
    organiser, _people, meeting_id = _poll(app, make_user, {
        "Alice": (ANSWER_YES, ANSWER_NO), "Bruno": (ANSWER_NO, ANSWER_YES), "Chloé": (ANSWER_MAYBE, ANSWER_MAYBE)},
        silent=5)
    login_as(organiser)
    page = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    # 3 answered; 5 silent members and the organiser have not.
    assert _headings(page) == ["3 ont répondu au sondage", "6 n'ont pas encore répondu"]
    assert "Pas de réponse (" not in page


def test_yes_to_the_chosen_slot_is_je_viens_and_can_be_changed(app, client, make_user, login_as):
    organiser, people, meeting_id = _poll(app, make_user, {
        "Alice": (ANSWER_YES, ANSWER_NO), "Bruno": (ANSWER_NO, ANSWER_YES), "Chloé": (ANSWER_MAYBE, ANSWER_YES)},
        silent=1)
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        polls.choose_slot(meeting, meeting.slots[0], db.session.get(User, organiser.id))
        db.session.commit()
        rsvps = {i.user.full_name: i.rsvp for i in db.session.get(Meeting, meeting_id).invitees}
    assert rsvps["Alice"] == "yes"  # "Oui" to the slot chosen
    assert rsvps["Bruno"] is None and rsvps["Chloé"] is None and rsvps["Silencieux 0"] is None
    login_as(people["Alice"])
    page = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert "Ma participation : <strong>Je viens</strong>" in page
    assert _headings(page)[0] == "Viennent (1)"
    post(client, f"/meetings/{meeting_id}/rsvp", {"rsvp": "no"}, token_page=f"/meetings/{meeting_id}")
    with app.app_context():
        alice = next(i for i in db.session.get(Meeting, meeting_id).invitees if i.user_id == people["Alice"].id)
        assert alice.rsvp == "no"


def test_minutes_attendance_starts_from_the_rsvps(app, client, make_user, login_as):
    organiser, people, meeting_id = _poll(app, make_user, {
        "Alice": (ANSWER_YES, ANSWER_NO), "Bruno": (ANSWER_YES, ANSWER_YES), "Chloé": (ANSWER_NO, ANSWER_YES)},
        silent=1)
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        polls.choose_slot(meeting, meeting.slots[0], db.session.get(User, organiser.id))
        services.rsvp(meeting, db.session.get(User, people["Chloé"].id), "no")
        db.session.commit()
    login_as(organiser)
    url = f"/meetings/{meeting_id}/minutes/edit"
    page = client.get(url).get_data(as_text=True)

    def checked(user_id: int) -> str:
        return re.search(rf'name="attendance-{user_id}" value="(\w+)"[^>]*checked', page).group(1)

    assert checked(people["Alice"].id) == checked(people["Bruno"].id) == "present"
    assert checked(people["Chloé"].id) == "excused"
    silent = next(u for u in _silent_ids(app, meeting_id, people, organiser))
    assert checked(silent) == "absent"
    assert checked(organiser.id) == "present"  # who holds the meeting is there unless they say otherwise
    # An answer that comes after the editor was first opened still counts until attendance is saved.
    with app.app_context():
        services.rsvp(db.session.get(Meeting, meeting_id), db.session.get(User, silent), "yes")
        db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert checked(silent) == "present"


def _silent_ids(app, meeting_id, people, organiser):
    with app.app_context():
        named = {u.id for u in people.values()} | {organiser.id}
        return [i.user_id for i in db.session.get(Meeting, meeting_id).invitees if i.user_id not in named]
