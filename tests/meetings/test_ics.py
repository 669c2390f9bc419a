"""The shared iCalendar builder: parsed back with the icalendar library."""
from __future__ import annotations

from datetime import datetime, timezone

from icalendar import Calendar

from network_space.core import ics


def _event(**overrides):
    fields = dict(uid="meeting-1@example.org", start=datetime(2026, 3, 29, 8, 0, tzinfo=timezone.utc),
                  end=datetime(2026, 3, 29, 10, 0, tzinfo=timezone.utc), summary="Plénière",
                  organizer=ics.Person("Claire Dumas", "claire@example.org"),
                  attendees=[ics.Person("Hélène Martin", "helene@example.org", ics.PARTSTAT_ACCEPTED)])
    fields.update(overrides)
    return ics.IcsEvent(**fields)


def test_request_has_method_uid_sequence_and_paris_timezone(app):
    calendar = Calendar.from_ical(ics.build_calendar([_event(sequence=2)], method=ics.METHOD_REQUEST))
    assert calendar["METHOD"] == "REQUEST"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    event = calendar.walk("VEVENT")[0]
    assert str(event["UID"]) == "meeting-1@example.org"
    assert event["SEQUENCE"] == 2
    start = event.decoded("DTSTART")
    assert start.tzinfo is not None and str(start.tzinfo) == "Europe/Paris"
    assert start.hour == 10  # 08:00 UTC on the day summer time starts is 10:00 in Paris
    assert event["DTSTART"].params["TZID"] == "Europe/Paris"
    assert str(event["ORGANIZER"]) == "mailto:claire@example.org"
    assert str(event["ATTENDEE"]) == "mailto:helene@example.org"
    assert event["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED" and event["ATTENDEE"].params["CN"] == "Hélène Martin"


def test_cancel_method_and_status(app):
    calendar = Calendar.from_ical(ics.build_calendar([_event(status=ics.STATUS_CANCELLED, sequence=3)],
                                                     method=ics.METHOD_CANCEL))
    assert calendar["METHOD"] == "CANCEL"
    assert calendar.walk("VEVENT")[0]["STATUS"] == "CANCELLED"
