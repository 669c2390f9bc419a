"""iCalendar: one event's .ics, the personal subscription feed (token, scope, revocation),
parsed back by icalendar and expanded by recurring-ical-events; DST; cancelled events."""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone

import recurring_ical_events
from icalendar import Calendar
from sqlalchemy import select

from network_space.accounts.models import User
from network_space.core.dates import PARIS, paris_to_utc, paris_today
from network_space.core.outbox import deliver_pending
from network_space.events import services
from network_space.events.models import CalendarFeed, Event, Registration
from network_space.extensions import db
from tests.helpers import csrf_token


def _vevents(data: bytes) -> list:
    return list(Calendar.from_ical(data).walk("VEVENT"))


def test_event_ics_has_paris_times_with_vtimezone_across_dst(client, login_as, make_event):
    login_as("member")
    # 29 March 2027 is the day after the change to summer time; 1 November after the change back.
    summer = make_event(day=date(2027, 3, 29), start=time(9, 30), title="Forum printemps")
    winter = make_event(day=date(2027, 11, 2), start=time(9, 30), title="Forum automne")
    for event_id, utc_hour in ((summer, 7), (winter, 8)):
        response = client.get(f"/events/{event_id}.ics")
        assert response.status_code == 200
        assert response.mimetype == "text/calendar"
        calendar = Calendar.from_ical(response.data)
        assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/Paris"
        (vevent,) = calendar.walk("VEVENT")
        start = vevent.decoded("DTSTART")
        assert start.hour == 9 and start.minute == 30
        assert start.astimezone(timezone.utc).hour == utc_hour
        assert "TZID=Europe/Paris" in response.get_data(as_text=True)


def test_all_day_event_uses_dates(client, login_as, app):
    login_as("member")
    with app.app_context():
        event = Event(title="Salon inclusion", kind="forum", all_day=True, status="planned", sequence=0,
                      starts_at=paris_to_utc(date(2027, 3, 27), time(0)),
                      ends_at=paris_to_utc(date(2027, 3, 29), time(0)))
        db.session.add(event)
        db.session.commit()
        event_id = event.id
    (vevent,) = _vevents(client.get(f"/events/{event_id}.ics").data)
    # Two days across the change to summer time (28 March 2027): still two whole days.
    assert vevent.decoded("DTSTART") == date(2027, 3, 27)
    assert vevent.decoded("DTEND") == date(2027, 3, 29)
    assert vevent["DTEND"].params["VALUE"] == "DATE"


def _new_feed(client, scope="mine") -> str:
    token = csrf_token(client.get("/events/mon-agenda").get_data(as_text=True))
    response = client.post("/events/mon-agenda/abonnement", data={"csrf_token": token, "scope": scope})
    assert response.status_code == 302
    page = client.get("/events/mon-agenda").get_data(as_text=True)
    url = re.search(r'id="feed-url"[^>]*value="([^"]+)"', page).group(1)
    assert re.search(r'href="webcal://localhost/calendar/[^"]+\.ics"', page)
    # Shown once only.
    assert 'id="feed-url"' not in client.get("/events/mon-agenda").get_data(as_text=True)
    return url.replace("http://localhost", "")


def test_personal_feed_with_my_registrations_and_cancelled_events(client, login_as, make_event, app):
    me = login_as("member")
    mine = make_event(days_ahead=10, title="Job dating Les Tilleuls")
    cancelled = make_event(days_ahead=12, title="Visite annulée")
    other = make_event(days_ahead=14, title="Pas pour moi")
    with app.app_context():
        for event_id in (mine, cancelled):
            db.session.add(Registration(event_id=event_id, user_id=me.id, status="registered"))
        db.session.commit()
        services.cancel_event(db.session.get(Event, cancelled), "Reporté", db.session.get(User, me.id))
        db.session.commit()
    path = _new_feed(client)
    anonymous = app.test_client()
    response = anonymous.get(path)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    events = {str(v["SUMMARY"]): v for v in _vevents(response.data)}
    assert set(events) == {"Job dating Les Tilleuls", "Visite annulée"}
    assert str(events["Visite annulée"]["STATUS"]) == "CANCELLED"
    assert str(events["Job dating Les Tilleuls"]["STATUS"]) == "CONFIRMED"
    assert int(events["Visite annulée"]["SEQUENCE"]) == 1
    # Expanded by a real calendar library over the coming month.
    now = datetime.now(PARIS)
    expanded = recurring_ical_events.of(Calendar.from_ical(response.data)).between(now, now + timedelta(days=31))
    assert sorted(str(e["SUMMARY"]) for e in expanded) == ["Job dating Les Tilleuls", "Visite annulée"]
    with app.app_context():
        assert db.session.scalar(select(CalendarFeed)).last_used_at is not None

    # "All events" scope.
    token = csrf_token(client.get("/events/mon-agenda").get_data(as_text=True))
    client.post("/events/mon-agenda/abonnement/contenu", data={"csrf_token": token, "scope": "all"})
    summaries = {str(v["SUMMARY"]) for v in _vevents(anonymous.get(path).data)}
    assert summaries == {"Job dating Les Tilleuls", "Visite annulée", "Pas pour moi"}
    assert other


def test_token_regeneration_and_revocation(client, login_as, app):
    login_as("member")
    first = _new_feed(client)
    anonymous = app.test_client()
    assert anonymous.get(first).status_code == 200
    second = _new_feed(client)
    assert second != first
    assert anonymous.get(first).status_code == 404
    assert anonymous.get(second).status_code == 200
    with app.app_context():
        stored = db.session.scalar(select(CalendarFeed))
        assert second.split("/")[-1].removesuffix(".ics") not in stored.token_hash
    token = csrf_token(client.get("/events/mon-agenda").get_data(as_text=True))
    client.post("/events/mon-agenda/abonnement/revoquer", data={"csrf_token": token})
    assert anonymous.get(second).status_code == 404
    assert anonymous.get("/calendar/" + "x" * 300 + ".ics").status_code == 404


def test_feed_of_a_deactivated_member_stops(client, login_as, app):
    user = login_as("member")
    path = _new_feed(client)
    with app.app_context():
        db.session.get(User, user.id).active = False
        db.session.commit()
    assert app.test_client().get(path).status_code == 404


def test_feed_includes_my_meetings_as_their_invitations_describe_them(client, login_as, make_user, app, smtp):
    from network_space.core import ics
    from network_space.meetings import notices as meeting_notices
    from network_space.meetings.models import Meeting, MeetingInvitee

    me = login_as("member")
    start = paris_to_utc(paris_today() + timedelta(days=9), time(14))
    with app.app_context():
        organiser = db.session.get(User, make_user("coanimator", full_name="Claire Dumas").id)
        meeting = Meeting(title="Réunion plénière du réseau", status="scheduled", starts_at=start,
                          ends_at=start + timedelta(hours=2), place="Grenoble", description="Ordre du jour à venir",
                          ical_sequence=2)
        meeting.organisers = [organiser]
        db.session.add(meeting)
        db.session.flush()
        db.session.add(MeetingInvitee(meeting_id=meeting.id, user_id=me.id))
        db.session.add(Meeting(title="Réunion d'un autre groupe", status="scheduled", starts_at=start,
                               ends_at=start + timedelta(hours=1)))
        db.session.flush()
        meeting_notices.send_calendar(meeting, ics.METHOD_REQUEST, [db.session.get(User, me.id)])
        db.session.commit()
        deliver_pending()
    path = _new_feed(client)
    vevents = _vevents(app.test_client().get(path).data)
    assert [str(v["SUMMARY"]) for v in vevents] == ["Réunion plénière du réseau"]
    (message,) = smtp.to(me.email)
    (attachment,) = list(message.iter_attachments())
    (invited,) = _vevents(attachment.get_payload(decode=True))
    # Both come from meetings.ical.ics_event: the same entry, the invitation adding attendees.
    for name in ("UID", "SEQUENCE", "SUMMARY", "DTSTART", "DTEND", "DESCRIPTION", "LOCATION", "URL", "STATUS",
                 "ORGANIZER"):
        assert vevents[0][name].to_ical() == invited[name].to_ical(), name
    assert str(vevents[0]["UID"]).startswith("meeting-") and int(vevents[0]["SEQUENCE"]) == 2
    assert "ATTENDEE" in invited and "ATTENDEE" not in vevents[0]


def test_all_day_event_in_the_feed_uses_dates(client, login_as, app):
    me = login_as("member")
    today = paris_today()
    with app.app_context():
        event = Event(title="Salon de l'inclusion", kind="forum", all_day=True, status="planned", sequence=0,
                      starts_at=paris_to_utc(today + timedelta(days=20), time(0)),
                      ends_at=paris_to_utc(today + timedelta(days=22), time(0)))
        db.session.add(event)
        db.session.flush()
        db.session.add(Registration(event_id=event.id, user_id=me.id, status="registered"))
        db.session.commit()
    data = app.test_client().get(_new_feed(client)).data
    (vevent,) = _vevents(data)
    assert vevent.decoded("DTSTART") == today + timedelta(days=20)
    assert vevent.decoded("DTEND") == today + timedelta(days=22)  # exclusive: a two-day event
    assert vevent["DTSTART"].params["VALUE"] == "DATE" and "TZID" not in vevent["DTSTART"].params
    assert [str(c["TZID"]) for c in Calendar.from_ical(data).walk("VTIMEZONE")] == ["Europe/Paris"]
    expanded = recurring_ical_events.of(Calendar.from_ical(data)).at(today + timedelta(days=21))
    assert [str(e["SUMMARY"]) for e in expanded] == ["Salon de l'inclusion"]
    assert recurring_ical_events.of(Calendar.from_ical(data)).at(today + timedelta(days=22)) == []


def test_change_email_carries_the_updated_ics(ctx, make_user, make_event, smtp):
    event_id = make_event(days_ahead=30)
    registrant = db.session.get(User, make_user().id)
    services.register(event_id, registrant)
    organiser = db.session.get(User, make_user("coanimator").id)
    event = db.session.get(Event, event_id)
    later = event.starts_at + timedelta(days=1)
    data = services.EventInput(title=event.title, kind=event.kind, starts_at=later, ends_at=later + timedelta(hours=2))
    services.update_event(event_id, data, organiser)
    db.session.commit()
    deliver_pending()
    (message,) = smtp.to(registrant.email)
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    (vevent,) = _vevents(attachment.get_content().encode() if isinstance(attachment.get_content(), str)
                         else attachment.get_content())
    assert vevent.decoded("DTSTART").astimezone(timezone.utc) == later
    assert int(vevent["SEQUENCE"]) == 1


def test_empty_feed_is_still_a_valid_calendar(client, login_as, app):
    login_as("member")
    path = _new_feed(client)
    calendar = Calendar.from_ical(app.test_client().get(path).data)
    assert calendar.walk("VEVENT") == []
    assert [str(c["TZID"]) for c in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    assert str(calendar["VERSION"]) == "2.0" and calendar["PRODID"]


def test_a_calendar_file_describes_the_event_without_markdown(client, login_as, make_event):
    """A calendar shows its description as plain text: the marks of the site's Markdown would show."""
    login_as("member")
    event_id = make_event(description="Un **forum** avec :\n\n- les bailleurs\n- les *ESAT*")
    raw = client.get(f"/events/{event_id}.ics").data
    description = str(Calendar.from_ical(raw).walk("VEVENT")[0]["DESCRIPTION"])
    assert "Un forum avec :\nles bailleurs\nles ESAT" in description and "*" not in description
