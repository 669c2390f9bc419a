"""The whole life cycle through the pages: draft → poll → scheduled (iCalendar invitation by
real email) → moved (SEQUENCE + 1) → RSVP → minutes published → actions followed up; and a
cancellation that sends METHOD:CANCEL."""
from __future__ import annotations

import html as htmllib
import io
from datetime import date, datetime, time, timedelta, timezone

from docx import Document
from icalendar import Calendar
from sqlalchemy import select

from network_space.core.models import utcnow
from network_space.core.outbox import deliver_pending
from network_space.extensions import db
from network_space.meetings.models import ActionItem, Meeting, PollSlot
from network_space.notifications.models import Notification
from tests.meetings.conftest import post


def _calendars(smtp, address):
    """The iCalendar attachments received by this address, parsed, in order."""
    found = []
    for message in smtp.to(address):
        for part in message.iter_attachments():
            if part.get_content_type() == "text/calendar":
                assert part.get_param("method") in ("REQUEST", "CANCEL")
                found.append(Calendar.from_ical(part.get_content()))
    return found


def _deliver(app):
    with app.app_context():
        deliver_pending()


def _new_meeting(client, invitees, **extra):
    data = {"title": "Groupe de travail bailleurs", "kind": "groupe", "format": "hybride", "place": "Grenoble, salle 2",
            "video_link": "https://visio.example.org/gt", "description": "Point **bailleurs**",
            "invite_scope": "none", "named_member_ids": [str(u.id) for u in invitees], "new_series": "GT bailleurs",
            "series_id": ""}
    data.update(extra)
    response = post(client, "/meetings/new", data, token_page="/meetings/new")
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_full_life_cycle(client, login_as, make_user, smtp, app):
    alice = make_user("member", full_name="Alice Martin", email="alice@example.org")
    bob = make_user("member", full_name="Bob Durand", email="bob@example.org")
    claire = login_as("coanimator", full_name="Claire Dumas", email="claire@example.org")
    meeting_id = _new_meeting(client, [alice, bob])

    # Slots: the second row has a date only and takes the first row's times.
    response = post(client, f"/meetings/{meeting_id}/slots", {
        "slots-0-day": "2027-03-28", "slots-0-start": "10:00", "slots-0-end": "12:00",
        "slots-1-day": "2027-10-31", "slots-1-start": "", "slots-1-end": "",
        "copy_first_times": "y",
    })
    assert response.status_code == 302
    with app.app_context():
        slots = list(db.session.scalars(select(PollSlot).where(PollSlot.meeting_id == meeting_id).order_by(PollSlot.starts_at)))
        # Across DST: 10:00 Paris is 08:00 UTC on 28 March 2027 and 09:00 UTC on 31 October 2027.
        assert [s.starts_at for s in slots] == [datetime(2027, 3, 28, 8, tzinfo=timezone.utc),
                                                datetime(2027, 10, 31, 9, tzinfo=timezone.utc)]
        assert [s.ends_at.hour for s in slots] == [10, 11]
        march, october = slots[0].id, slots[1].id

    assert post(client, f"/meetings/{meeting_id}/poll/open",
                {"deadline_day": (utcnow() + timedelta(days=10)).date().isoformat(), "deadline_time": "18:00"}).status_code == 302
    with app.app_context():
        assert db.session.get(Meeting, meeting_id).status == "poll"
        assert {n.user_id for n in db.session.scalars(select(Notification).where(Notification.kind == "meeting.poll"))} == {alice.id, bob.id}

    # Invitees answer; the dashboard panel lists the poll until they do.
    login_as(alice)
    assert "Groupe de travail bailleurs" in client.get("/").get_data(as_text=True)
    assert post(client, f"/meetings/{meeting_id}/poll/answer",
                {f"slot-{march}": "yes", f"slot-{october}": "maybe", "comment": "Plutôt le matin"}).status_code == 302
    login_as(bob)
    post(client, f"/meetings/{meeting_id}/poll/answer", {f"slot-{march}": "yes", f"slot-{october}": "no"})
    page = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert "Meilleur créneau" in page and "Plutôt le matin" in page and "Si besoin" in page

    # The organiser picks the final slot: each invitee receives the invitation with an .ics.
    login_as(claire)
    assert post(client, f"/meetings/{meeting_id}/poll/choose/{march}").status_code == 302
    _deliver(app)
    page = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert "Créneau retenu" in page and "Meilleur créneau" not in page  # the poll says which slot was kept
    invitation = _calendars(smtp, "alice@example.org")[0]
    assert invitation["METHOD"] == "REQUEST"
    assert invitation.walk("VTIMEZONE")[0]["TZID"] == "Europe/Paris"
    event = invitation.walk("VEVENT")[0]
    uid, first_sequence = str(event["UID"]), int(event["SEQUENCE"])
    assert event.decoded("DTSTART").hour == 10 and event["DTSTART"].params["TZID"] == "Europe/Paris"
    assert "Grenoble, salle 2" in str(event["LOCATION"])
    assert len(_calendars(smtp, "bob@example.org")) == 1

    # Moving the meeting sends an update with the same UID and a higher SEQUENCE.
    assert post(client, f"/meetings/{meeting_id}/schedule",
                {"day": "2027-03-29", "start": "14:00", "end": "16:30"}, token_page=f"/meetings/{meeting_id}/schedule").status_code == 302
    _deliver(app)
    update = _calendars(smtp, "alice@example.org")[-1].walk("VEVENT")[0]
    assert str(update["UID"]) == uid and int(update["SEQUENCE"]) > first_sequence
    assert update.decoded("DTSTART").hour == 14
    assert "lundi 29 mars 2027, de 14:00 à 16:30</time>" in client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    # The message says what the date was, not only what it is.
    moved_text = smtp.to("alice@example.org")[-1].get_body(("plain",)).get_content()
    assert "Date : lundi 29 mars 2027, de 14:00 à 16:30 (au lieu de : dimanche 28 mars 2027, de 10:00 à 12:00)" in moved_text
    # So does a change of place, with the sequence increasing again.
    with app.app_context():
        series_id = db.session.get(Meeting, meeting_id).series_id
    form = {"title": "Groupe de travail bailleurs", "kind": "groupe", "format": "hybride", "place": "Voiron",
            "video_link": "https://visio.example.org/gt", "invite_scope": "none", "series_id": str(series_id),
            "named_member_ids": [str(alice.id), str(bob.id)], "organiser_ids": [str(claire.id)]}
    assert post(client, f"/meetings/{meeting_id}/edit", form, token_page=f"/meetings/{meeting_id}/edit").status_code == 302
    _deliver(app)
    moved = _calendars(smtp, "alice@example.org")[-1].walk("VEVENT")[0]
    assert int(moved["SEQUENCE"]) > int(update["SEQUENCE"]) and "Voiron" in str(moved["LOCATION"])
    assert "Lieu : Voiron (au lieu de : Grenoble, salle 2)" in smtp.to("alice@example.org")[-1].get_body(("plain",)).get_content()

    # The .ics of the page, agenda items, RSVP.
    ics_response = client.get(f"/meetings/{meeting_id}.ics")
    assert ics_response.mimetype == "text/calendar"
    assert str(Calendar.from_ical(ics_response.data).walk("VEVENT")[0]["UID"]) == uid
    post(client, f"/meetings/{meeting_id}/agenda", {"title": "Tour de table", "duration": "20", "presenter": "Claire"})
    post(client, f"/meetings/{meeting_id}/agenda", {"title": "Charte bailleurs", "duration": "abc"})
    login_as(alice)
    assert post(client, f"/meetings/{meeting_id}/rsvp", {"rsvp": "yes"}).status_code == 302
    login_as(bob)
    post(client, f"/meetings/{meeting_id}/rsvp", {"rsvp": "no"})
    page = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert "Tour de table" in page and "Charte bailleurs" not in page
    assert "Viennent (1)" in page and "Ne viennent pas (1)" in page

    # Minutes: attendance pre-filled from RSVPs, revisions kept, actions, publication.
    login_as(claire)
    edit_page = client.get(f"/meetings/{meeting_id}/minutes/edit").get_data(as_text=True)
    assert f'name="attendance-{alice.id}" value="present" id="att-{alice.id}-present" checked' in edit_page
    assert f'name="attendance-{bob.id}" value="excused" id="att-{bob.id}-excused" checked' in edit_page
    minutes_url = f"/meetings/{meeting_id}/minutes/edit"
    post(client, minutes_url, {"body": "# Relevé\nPremière version", f"attendance-{bob.id}": "absent"}, token_page=minutes_url)
    post(client, f"/meetings/{meeting_id}/decisions", {"decision-text": "Adopter la charte"}, token_page=minutes_url)
    post(client, f"/meetings/{meeting_id}/actions", {"action-title": "Envoyer la charte aux bailleurs",
         "action-assignee_id": str(alice.id), "action-due_date": "2027-04-15"}, token_page=minutes_url)
    login_as(bob)
    assert client.get(f"/meetings/{meeting_id}/minutes").status_code == 403  # draft: organisers only
    login_as(claire)
    # Not before the meeting: published, it would be one held, while still ahead.
    early = post(client, minutes_url, {"body": "# Relevé\nVersion publiée", "publish": "1"}, token_page=minutes_url)
    assert "Le compte-rendu se publie une fois la réunion commencée" in htmllib.unescape(
        client.get(early.headers["Location"]).get_data(as_text=True))
    with app.app_context():  # the meeting takes place
        meeting = db.session.get(Meeting, meeting_id)
        assert meeting.status == "scheduled" and meeting.minutes.published_at is None
        meeting.starts_at, meeting.ends_at = utcnow() - timedelta(hours=3), utcnow() - timedelta(hours=1)
        db.session.commit()
    response = post(client, minutes_url, {"body": "# Relevé\nVersion publiée", "publish": "1"}, token_page=minutes_url)
    assert response.status_code == 302
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        assert meeting.status == "published"
        assert [r.number for r in meeting.minutes.revisions] == [2, 1]
        assert {n.user_id for n in db.session.scalars(select(Notification).where(Notification.kind == "meeting.minutes"))} == {alice.id, bob.id}
        assert {n.user_id for n in db.session.scalars(select(Notification).where(Notification.kind == "action.assigned"))} == {alice.id}
        [assigned] = db.session.scalars(select(Notification).where(Notification.kind == "action.assigned")).all()
        # Which meeting decided it, and for when: the action's title alone said little.
        assert assigned.context["message"] == ("Décidée à la réunion « Groupe de travail bailleurs ». "
                                               "Échéance : jeudi 15 avril 2027.")
    login_as(bob)
    minutes_page = client.get(f"/meetings/{meeting_id}/minutes").get_data(as_text=True)
    assert "Version publiée" in minutes_page and "Adopter la charte" in minutes_page and "1 personne absente" in minutes_page  # Bob; Claire, who organises, is present
    assert "Première version" in client.get(f"/meetings/{meeting_id}/minutes/revisions/1").get_data(as_text=True)
    docx = client.get(f"/meetings/{meeting_id}/minutes.docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.data)).paragraphs)
    assert "Version publiée" in text and "Adopter la charte" in text

    # Mes actions, then the follow-up in the next meeting of the series.
    login_as(alice)
    assert "Envoyer la charte aux bailleurs" in client.get("/meetings/actions").get_data(as_text=True)
    login_as(claire)
    next_id = _new_meeting(client, [alice], title="GT bailleurs n°2", new_series="", series_id=str(series_id))
    post(client, f"/meetings/{next_id}/schedule", {"day": "2027-06-02", "start": "09:00", "end": "11:00"},
         token_page=f"/meetings/{next_id}/schedule")
    page = client.get(f"/meetings/{next_id}").get_data(as_text=True)
    assert "Suivi des actions" in page and "Envoyer la charte aux bailleurs" in page
    login_as(alice)
    with app.app_context():
        action_id = db.session.scalar(select(ActionItem.id))
    post(client, f"/meetings/actions/{action_id}/status", {"status-status": "done"})
    with app.app_context():
        action = db.session.get(ActionItem, action_id)
        assert action.status == "done" and action.done_by_id == alice.id and action.done_at is not None
    client.get("/meetings/actions")  # shows (and consumes) the confirmation message
    assert "Suivi des actions" not in client.get(f"/meetings/{next_id}").get_data(as_text=True)
    actions_page = client.get("/meetings/actions").get_data(as_text=True)
    open_part, done_part = actions_page.split('id="recently-done"')
    assert "Envoyer la charte aux bailleurs" not in open_part and "Envoyer la charte aux bailleurs" in done_part
    # Marked done by mistake: reopened from the same page.
    post(client, f"/meetings/actions/{action_id}/status", {"status-status": "open"})
    with app.app_context():
        action = db.session.get(ActionItem, action_id)
        assert action.status == "open" and action.done_at is None


def test_cancellation_sends_method_cancel(client, login_as, make_user, smtp, app):
    alice = make_user("member", email="alice@example.org")
    login_as("coanimator")
    meeting_id = _new_meeting(client, [alice])
    post(client, f"/meetings/{meeting_id}/schedule", {"day": "2027-01-12", "start": "09:00", "end": "12:00"},
         token_page=f"/meetings/{meeting_id}/schedule")
    assert post(client, f"/meetings/{meeting_id}/cancel", {"reason": ""}).status_code == 302
    with app.app_context():
        assert db.session.get(Meeting, meeting_id).status == "scheduled"  # no reason, no cancellation
    post(client, f"/meetings/{meeting_id}/cancel", {"reason": "Grève des transports"})
    _deliver(app)
    invitation, cancellation = _calendars(smtp, "alice@example.org")
    assert cancellation["METHOD"] == "CANCEL"
    event = cancellation.walk("VEVENT")[0]
    assert event["STATUS"] == "CANCELLED"
    assert str(event["UID"]) == str(invitation.walk("VEVENT")[0]["UID"])
    assert int(event["SEQUENCE"]) > int(invitation.walk("VEVENT")[0]["SEQUENCE"])
    assert "Grève des transports" in smtp.to("alice@example.org")[-1].get_body(("plain",)).get_content()
    with app.app_context():
        assert db.session.get(Meeting, meeting_id).status == "cancelled"


def test_uninvited_member_gets_the_cancellation(client, login_as, make_user, smtp, app):
    alice = make_user("member", email="alice@example.org")
    bob = make_user("member", email="bob@example.org")
    claire = login_as("coanimator")
    meeting_id = _new_meeting(client, [alice, bob])
    post(client, f"/meetings/{meeting_id}/schedule", {"day": "2027-01-12", "start": "09:00", "end": "12:00"},
         token_page=f"/meetings/{meeting_id}/schedule")
    form = {"title": "Groupe de travail bailleurs", "kind": "groupe", "format": "hybride", "place": "Grenoble, salle 2",
            "video_link": "https://visio.example.org/gt", "description": "Point **bailleurs**", "invite_scope": "none",
            "series_id": "", "named_member_ids": [str(alice.id)], "organiser_ids": [str(claire.id)]}
    edit = f"/meetings/{meeting_id}/edit"
    assert post(client, edit, form, token_page=edit).status_code == 302
    _deliver(app)
    assert [c["METHOD"] for c in _calendars(smtp, "bob@example.org")] == ["REQUEST", "CANCEL"]
    assert [c["METHOD"] for c in _calendars(smtp, "alice@example.org")] == ["REQUEST"]
    assert "plus invité" in smtp.to("bob@example.org")[-1]["Subject"]


def test_slots_in_the_past_are_refused(client, login_as, app):
    login_as("coanimator")
    meeting_id = _new_meeting(client, [])
    url = f"/meetings/{meeting_id}/slots"
    response = post(client, url, {"slots-0-day": "2020-01-06", "slots-0-start": "10:00", "slots-0-end": "12:00"}, token_page=url)
    assert response.status_code == 200 and "Cette date est passée" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Meeting, meeting_id).slots == []


def test_a_date_or_a_deadline_already_past_is_refused_and_nothing_is_sent(client, login_as, make_user, app):
    alice = make_user("member", email="alice@example.org")
    login_as("coanimator")
    meeting_id = _new_meeting(client, [alice])
    yesterday = (utcnow() - timedelta(days=1)).date().isoformat()
    page = post(client, f"/meetings/{meeting_id}/schedule", {"day": yesterday, "start": "09:00", "end": "11:00"},
                token_page=f"/meetings/{meeting_id}/schedule")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Cette date est passée." in html and f'value="{yesterday}"' in html
    post(client, f"/meetings/{meeting_id}/slots", {"slots-0-day": "2027-03-28", "slots-0-start": "10:00",
                                                    "slots-0-end": "12:00"})
    response = post(client, f"/meetings/{meeting_id}/poll/open", {"deadline_day": yesterday, "deadline_time": "18:00"})
    assert "La date limite de réponse est passée." in client.get(response.headers["Location"]).get_data(as_text=True)
    # After the first slot proposed: answers would come once a slot has passed.
    response = post(client, f"/meetings/{meeting_id}/poll/open", {"deadline_day": "2027-03-29", "deadline_time": "18:00"})
    assert "La date limite de réponse doit précéder le premier créneau proposé (dimanche 28 mars 2027 à 10:00)." in \
        client.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        assert (meeting.status, meeting.starts_at, meeting.poll_deadline) == ("draft", None, None)
        assert not db.session.scalars(select(Notification)).all()  # no invitation, no poll


def test_a_slot_or_a_date_in_the_skipped_hour_is_refused(client, login_as, make_user, app):
    login_as("coanimator")
    meeting_id = _new_meeting(client, [make_user("member")])
    page = post(client, f"/meetings/{meeting_id}/slots", {"slots-0-day": "2027-03-28", "slots-0-start": "02:30",
                                                          "slots-0-end": "03:30"})
    assert "Cette heure n'existe pas ce jour-là" in page.get_data(as_text=True)
    page = post(client, f"/meetings/{meeting_id}/schedule", {"day": "2027-03-28", "start": "02:15", "end": "04:00"},
                token_page=f"/meetings/{meeting_id}/schedule")
    assert "Cette heure n'existe pas ce jour-là" in page.get_data(as_text=True)
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        assert (meeting.status, meeting.slots) == ("draft", [])


def test_the_follow_up_shows_only_actions_the_reader_may_see(client, login_as, make_user, app):
    """An earlier meeting of the series may be private, or held with its minutes still a draft:
    its actions are not shown to members who could not open it, on the next meeting's page."""
    from network_space.accounts.models import User
    from network_space.meetings import minutes as minutes_services
    from network_space.meetings import services
    from network_space.meetings.models import MeetingSeries
    from tests.meetings.conftest import make_meeting

    organiser, assignee, outsider = make_user("coanimator"), make_user("member"), make_user("member")
    with app.app_context():
        private_id = make_meeting(organiser.id, invitee_ids=[assignee.id], title="Comité restreint", private=True,
                                  series="Comité bailleurs", slots=[(date(2027, 1, 4), time(9), time(10))])
        private = db.session.get(Meeting, private_id)
        services.schedule(private, private.slots[0].starts_at, private.slots[0].ends_at, db.session.get(User, organiser.id))
        minutes_services.save_minutes(private, db.session.get(User, organiser.id), "Brouillon", {})
        minutes_services.add_action(private, db.session.get(User, organiser.id), "Dossier de M. Dupont", assignee.id, None)
        services.mark_held(private)
        db.session.commit()
        series_id = db.session.scalar(select(MeetingSeries.id).where(MeetingSeries.name == "Comité bailleurs"))
        next_id = make_meeting(organiser.id, title="Comité bailleurs ouvert", series_id=series_id,
                               slots=[(date(2027, 2, 1), time(9), time(10))])
        upcoming = db.session.get(Meeting, next_id)
        services.schedule(upcoming, upcoming.slots[0].starts_at, upcoming.slots[0].ends_at,
                          db.session.get(User, organiser.id))
        db.session.commit()
    login_as(outsider)
    assert client.get(f"/meetings/{private_id}").status_code == 403
    page = client.get(f"/meetings/{next_id}").get_data(as_text=True)
    assert "Dossier de M. Dupont" not in page and "Comité restreint" not in page
    for reader in (assignee, organiser):  # the action's own person, and who writes the minutes
        login_as(reader)
        assert "Dossier de M. Dupont" in client.get(f"/meetings/{next_id}").get_data(as_text=True)
