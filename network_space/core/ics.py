"""iCalendar (RFC 5545 / iTIP RFC 5546) documents for meetings and events.

One builder for every domain: a VCALENDAR with a METHOD (REQUEST for an invitation or its
update, CANCEL for a cancellation, PUBLISH for a feed), VEVENTs with a stable UID and a SEQUENCE
that the caller increases on each significant change, times in Europe/Paris with the matching
VTIMEZONE so that calendar clients place them correctly across DST changes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from icalendar import Calendar, Event, vCalAddress, vText

from network_space.core.dates import PARIS
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
    uid: str
    start: datetime  # aware
    end: datetime  # aware
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


def _vevent(item: IcsEvent) -> Event:
    event = Event()
    event.add("uid", item.uid)
    event.add("dtstamp", utcnow())
    if item.updated_at:
        event.add("last-modified", item.updated_at)
    event.add("sequence", item.sequence)
    event.add("dtstart", item.start.astimezone(PARIS))
    event.add("dtend", item.end.astimezone(PARIS))
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
    """The .ics bytes for these events. VTIMEZONE covers one year around them (not 1970-2038)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    for item in events:
        calendar.add_component(_vevent(item))
    if events:
        first = min(item.start for item in events).astimezone(PARIS).date() - timedelta(days=366)
        last = max(item.end for item in events).astimezone(PARIS).date() + timedelta(days=366)
        calendar.add_missing_timezones(first_date=first, last_date=last)
    return calendar.to_ical()


def ics_uid(kind: str, obj_id: int, domain: str) -> str:
    """A UID that never changes for an object: clients match updates and cancellations on it."""
    return f"{kind}-{obj_id}@{domain}"
