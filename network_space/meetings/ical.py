"""Meetings as calendar entries: the one .ics of a meeting, the same in its invitations (with the
attendees and their answers), its download and the members' subscription feeds (events part)."""
from __future__ import annotations

from flask import url_for

from network_space.core import ics
from network_space.core.markdown import markdown_text
from network_space.meetings.models import RSVP_MAYBE, RSVP_NO, RSVP_YES, STATUS_CANCELLED, Meeting
from network_space.notifications.services import absolute_url, site_context


def meeting_url(meeting: Meeting) -> str:
    with site_context():
        return absolute_url(url_for("meetings.show", meeting_id=meeting.id))


_PARTSTAT = {RSVP_YES: ics.PARTSTAT_ACCEPTED, RSVP_NO: ics.PARTSTAT_DECLINED, RSVP_MAYBE: ics.PARTSTAT_TENTATIVE}


def ics_event(meeting: Meeting, *, with_attendees: bool = False) -> ics.IcsEvent:
    """The meeting as a calendar entry, the same in its invitations (with the attendees and their
    answers), its .ics download and the members' subscription feeds (events part): one UID and
    SEQUENCE, so a calendar that got both an invitation and a feed shows the meeting once."""
    organiser = meeting.organisers[0] if meeting.organisers else None
    url = meeting_url(meeting)
    return ics.IcsEvent(
        uid=ics.ics_uid("meeting", meeting.id),
        start=meeting.starts_at,
        end=meeting.ends_at,
        summary=meeting.title,
        sequence=meeting.ical_sequence,
        description="\n\n".join(x for x in (markdown_text(meeting.description, lines=True), url) if x),
        location=", ".join(x for x in (meeting.place, meeting.video_link) if x),
        url=url,
        status=ics.STATUS_CANCELLED if meeting.status == STATUS_CANCELLED else ics.STATUS_CONFIRMED,
        organizer=ics.Person(organiser.full_name, organiser.email) if organiser else None,
        attendees=[ics.Person(i.user.full_name, i.user.email, _PARTSTAT.get(i.rsvp, ics.PARTSTAT_NEEDS_ACTION))
                   for i in meeting.invitees] if with_attendees else [],
        updated_at=meeting.updated_at,
    )


def meeting_ics(meeting: Meeting, method: str = ics.METHOD_PUBLISH) -> bytes:
    """A published copy leaves the attendee list out; an invitation (REQUEST / CANCEL) has it."""
    return ics.build_calendar([ics_event(meeting, with_attendees=method != ics.METHOD_PUBLISH)], method=method)
