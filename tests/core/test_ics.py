"""core.ics: all-day events as DATE values, and the Europe/Paris VTIMEZONE in every calendar."""
from __future__ import annotations

from datetime import date, datetime, timezone

from icalendar import Calendar

from network_space.core import ics


def test_all_day_event_has_date_values_with_exclusive_end(app):
    with app.app_context():
        item = ics.IcsEvent(uid=ics.ics_uid("event", 7), start=date(2027, 10, 30), end=date(2027, 11, 1),
                            summary="Forum de l'emploi")
        data = ics.build_calendar([item])
    assert b"DTSTART;VALUE=DATE:20271030" in data and b"DTEND;VALUE=DATE:20271101" in data
    calendar = Calendar.from_ical(data)
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["UID"]) == "event-7@localhost"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]


def test_timed_and_all_day_events_together(app):
    with app.app_context():
        data = ics.build_calendar([
            ics.IcsEvent(uid="a@x", start=date(2027, 6, 1), end=date(2027, 6, 2), summary="Journée"),
            ics.IcsEvent(uid="b@x", start=datetime(2027, 6, 1, 12, tzinfo=timezone.utc),
                         end=datetime(2027, 6, 1, 14, tzinfo=timezone.utc), summary="Réunion"),
        ])
    starts = {str(v["SUMMARY"]): v.decoded("DTSTART") for v in Calendar.from_ical(data).walk("VEVENT")}
    assert starts["Journée"] == date(2027, 6, 1)
    assert starts["Réunion"].hour == 14 and str(starts["Réunion"].tzinfo) == "Europe/Paris"


def test_calendar_without_events_still_has_a_component(app):
    with app.app_context():
        calendar = Calendar.from_ical(ics.build_calendar([], name="Agenda vide"))
    assert calendar.walk("VEVENT") == []
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
