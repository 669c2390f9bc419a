"""What a guest's calendar gets: the event's or the meeting's own calendar entry (built by
events.ical / meetings.ical: same UID, same SEQUENCE as the members'), without the people in it,
since a guest never sees a member's or another guest's address: the guest alone as attendee, the
organiser they may write to as ORGANIZER (RFC 5546 wants both in a REQUEST), and their personal
page as the link (the members' page would ask them to log in)."""
from __future__ import annotations

import dataclasses

from network_space.core import ics
from network_space.events import ical as event_ical
from network_space.guests.models import GuestLink
from network_space.meetings import ical as meeting_ical


def calendar(link: GuestLink, page_url: str, method: str = ics.METHOD_PUBLISH) -> bytes | None:
    """The .ics of what the link opens (None for a meeting whose date is not fixed yet)."""
    if link.event_id is not None:
        item = event_ical.to_ics_event(link.event)
    elif link.meeting.starts_at is not None:
        item = meeting_ical.ics_event(link.meeting)
    else:
        return None
    organiser = link.organiser
    guest = link.guest
    item = dataclasses.replace(
        item, url=page_url, description=item.description.replace(item.url, page_url) if item.url else item.description,
        organizer=ics.Person(organiser.full_name, organiser.email) if organiser else None,
        attendees=[ics.Person(guest.name, guest.email)])
    return ics.build_calendar([item], method=method)


def attachment(link: GuestLink, method: str, page_url: str) -> list[tuple[str, str, bytes]]:
    content = calendar(link, page_url, method)
    if content is None:
        return []
    name = f"evenement-{link.event_id}.ics" if link.event_id is not None else f"reunion-{link.meeting_id}.ics"
    return [(name, f"text/calendar; method={method}; charset=UTF-8", content)]
