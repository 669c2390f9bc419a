"""iCalendar (RFC 5545 / iTIP RFC 5546) documents for meetings and events.

One builder for every domain: a VCALENDAR with a METHOD (REQUEST for an invitation or its
update, CANCEL for a cancellation, PUBLISH for a feed), VEVENTs with a stable UID and a SEQUENCE
that the caller increases on each significant change, times in Europe/Paris with the matching
VTIMEZONE so that calendar clients place them correctly across DST changes. All-day events carry
DATE values (RFC 5545 3.6.1), so calendar applications show them as all-day.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app
from icalendar import Calendar, Event, Timezone, vCalAddress, vText

from network_space.core.dates import PARIS, paris_today
from network_space.core.models import utcnow

METHOD_PUBLISH = "PUBLISH"
METHOD_REQUEST = "REQUEST"
METHOD_CANCEL = "CANCEL"

STATUS_CONFIRMED = "CONFIRMED"
STATUS_TENTATIVE = "TENTATIVE"
STATUS_CANCELLED = "CANCELLED"

PRODID = "-//Reseau clauses sociales Isere//network_space//FR"


PARTSTAT_NEEDS_ACTION = "NEEDS-ACTION"
PARTSTAT_ACCEPTED = "ACCEPTED"
PARTSTAT_DECLINED = "DECLINED"
PARTSTAT_TENTATIVE = "TENTATIVE"


@dataclass
class Person:
    name: str
    email: str
    partstat: str = PARTSTAT_NEEDS_ACTION  # for attendees: their answer, if known


@dataclass
class IcsEvent:
    """``start`` and ``end`` are aware datetimes, or dates for an all-day event, whose ``end`` is
    then the day after its last day (exclusive, as RFC 5545 wants)."""

    uid: str
    start: datetime | date
    end: datetime | date
    summary: str
    sequence: int = 0
    description: str = ""
    location: str = ""
    url: str = ""
    status: str = STATUS_CONFIRMED
    organizer: Person | None = None
    attendees: list[Person] = field(default_factory=list)
    updated_at: datetime | None = None


def _address(person: Person, **params) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    address.params["CN"] = vText(person.name)
    for key, value in params.items():
        address.params[key.replace("_", "-").upper()] = vText(value)
    return address


def _in_paris(value: datetime | date) -> datetime | date:
    return value.astimezone(PARIS) if isinstance(value, datetime) else value


def _paris_day(value: datetime | date) -> date:
    return value.astimezone(PARIS).date() if isinstance(value, datetime) else value


def _vevent(item: IcsEvent) -> Event:
    event = Event()
    event.add("uid", item.uid)
    event.add("dtstamp", utcnow())
    if item.updated_at:
        event.add("last-modified", item.updated_at)
    event.add("sequence", item.sequence)
    event.add("dtstart", _in_paris(item.start))
    event.add("dtend", _in_paris(item.end))
    event.add("summary", item.summary)
    event.add("status", item.status)
    if item.description:
        event.add("description", item.description)
    if item.location:
        event.add("location", item.location)
    if item.url:
        event.add("url", item.url)
    if item.organizer:
        event.add("organizer", _address(item.organizer))
    for attendee in item.attendees:
        event.add("attendee", _address(attendee, role="REQ-PARTICIPANT", partstat=attendee.partstat, rsvp="FALSE"))
    return event


def build_calendar(events: list[IcsEvent], method: str = METHOD_PUBLISH, name: str | None = None) -> bytes:
    """The .ics bytes for these events. The Europe/Paris VTIMEZONE is always there, covering one
    year around the events (not 1970-2038): also in a calendar without events, since RFC 5545
    wants at least one component (a new feed subscriber with nothing yet)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    days = [_paris_day(item.start) for item in events] + [_paris_day(item.end) for item in events]
    today = paris_today()
    # Before the events: some clients (Outlook) read the time zone first.
    calendar.add_component(Timezone.from_tzid(PARIS.key, first_date=min(days, default=today) - timedelta(days=366),
                                              last_date=max(days, default=today) + timedelta(days=366)))
    for item in events:
        calendar.add_component(_vevent(item))
    return calendar.to_ical()


def ics_uid(kind: str, obj_id: int) -> str:
    """A UID that never changes for an object: clients match updates and cancellations on it."""
    domain = urlsplit(current_app.config["SITE_URL"]).hostname or "localhost"
    return f"{kind}-{obj_id}@{domain}"
