"""Events as iCalendar, through the shared builder core.ics: one event's .ics, and a member's
subscription feed (their registrations, or every event, plus their meetings)."""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app, url_for
from icalendar import Calendar, Timezone
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from network_space.core import ics
from network_space.core.models import utcnow
from network_space.events.models import FEED_ALL, REG_REGISTERED, Event, Registration
from network_space.extensions import db

# How far back a feed goes: calendar apps keep what they already have.
FEED_HISTORY_DAYS = 90


def _host() -> str:
    return urlsplit(current_app.config["SITE_URL"]).hostname or "localhost"


def event_uid(event: Event) -> str:
    return ics.ics_uid("event", event.id, _host())


def _url(event: Event) -> str:
    return current_app.config["SITE_URL"] + url_for("events.detail", event_id=event.id)


def to_ics_event(event: Event) -> ics.IcsEvent:
    url = _url(event)
    description = [event.kind_label]
    if event.is_cancelled and event.cancel_reason:
        description.append("Annulé : " + event.cancel_reason)
    if event.description:
        description.append(event.description)
    if event.online_url:
        description.append("Lien de connexion : " + event.online_url)
    description.append(url)
    organiser = event.organisers[0] if event.organisers else None
    return ics.IcsEvent(
        uid=event_uid(event),
        start=event.starts_at,
        end=event.ends_at,
        summary=event.title,
        sequence=event.sequence,
        description="\n\n".join(description),
        location=", ".join(x for x in (event.place, event.online_url) if x),
        url=url,
        status=ics.STATUS_CANCELLED if event.is_cancelled else ics.STATUS_CONFIRMED,
        organizer=ics.Person(organiser.full_name, organiser.email) if organiser else None,
        updated_at=event.updated_at,
    )


def _with_all_day_dates(data: bytes, events: list[Event]) -> bytes:
    """All-day events carry DATE values (RFC 5545 3.6.1), so that calendar applications show
    them as all-day rather than midnight-to-midnight."""
    all_day = {event_uid(e): e for e in events if e.all_day}
    if not all_day:
        return data
    calendar = Calendar.from_ical(data)
    for component in calendar.walk("VEVENT"):
        event = all_day.get(str(component.get("uid")))
        if event is None:
            continue
        for name in ("dtstart", "dtend"):
            del component[name]
        component.add("dtstart", event.first_day)
        component.add("dtend", event.last_day + timedelta(days=1))
    return calendar.to_ical()


def event_calendar(event: Event, method: str = ics.METHOD_PUBLISH) -> bytes:
    return _with_all_day_dates(ics.build_calendar([to_ics_event(event)], method=method), [event])


def feed_events(user, scope: str) -> list[Event]:
    since = utcnow() - timedelta(days=FEED_HISTORY_DAYS)
    query = select(Event).where(Event.ends_at >= since).order_by(Event.starts_at)
    if scope != FEED_ALL:
        query = query.where(Event.id.in_(
            select(Registration.event_id).where(Registration.user_id == user.id, Registration.status == REG_REGISTERED)
        ))
    return list(db.session.scalars(query.options(selectinload(Event.organisers))))


def feed_calendar(user, scope: str) -> bytes:
    events = feed_events(user, scope)
    items = [to_ics_event(e) for e in events] + meeting_items(user)
    name = "Réseau clauses sociales — agenda de " + user.full_name
    data = _with_all_day_dates(ics.build_calendar(items, name=name), events)
    if items:
        return data
    # RFC 5545 wants at least one component: a new subscriber with nothing yet gets the time zone.
    calendar = Calendar.from_ical(data)
    today = utcnow().date()
    calendar.add_component(Timezone.from_tzid("Europe/Paris", first_date=today - timedelta(days=366),
                                              last_date=today + timedelta(days=366)))
    return calendar.to_ical()


def meeting_items(user) -> list[ics.IcsEvent]:
    """The member's dated meetings (invited or organising), with the meetings part's UIDs so that
    a calendar that also received the meeting invitation shows it once."""
    from sqlalchemy import exists, or_

    from network_space.meetings.models import (
        STATUS_CANCELLED,
        STATUS_DRAFT,
        STATUS_POLL,
        Meeting,
        MeetingInvitee,
        meeting_organiser,
    )

    since = utcnow() - timedelta(days=FEED_HISTORY_DAYS)
    invited = exists().where(MeetingInvitee.meeting_id == Meeting.id, MeetingInvitee.user_id == user.id)
    organises = exists().where(meeting_organiser.c.meeting_id == Meeting.id, meeting_organiser.c.user_id == user.id)
    meetings = db.session.scalars(
        select(Meeting).where(
            or_(invited, organises), Meeting.status.not_in((STATUS_DRAFT, STATUS_POLL)),
            Meeting.starts_at.is_not(None), Meeting.ends_at.is_not(None), Meeting.ends_at >= since,
        ).order_by(Meeting.starts_at)
    )
    items = []
    for meeting in meetings:
        url = current_app.config["SITE_URL"] + url_for("meetings.show", meeting_id=meeting.id)
        items.append(ics.IcsEvent(
            uid=ics.ics_uid("meeting", meeting.id, _host()),
            start=meeting.starts_at,
            end=meeting.ends_at,
            summary=meeting.title,
            sequence=meeting.ical_sequence,
            description="\n\n".join(x for x in (meeting.description, url) if x),
            location=", ".join(x for x in (meeting.place, meeting.video_link) if x),
            url=url,
            status=ics.STATUS_CANCELLED if meeting.status == STATUS_CANCELLED else ics.STATUS_CONFIRMED,
            updated_at=meeting.updated_at,
        ))
    return items
