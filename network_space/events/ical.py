"""Events as iCalendar, through the shared builder core.ics: one event's .ics, and a member's
subscription feed (their registrations, or every event, plus their meetings)."""
from __future__ import annotations

import dataclasses
from datetime import timedelta

from flask import current_app, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from network_space.core import ics
from network_space.core.i18n import gettext as _
from network_space.core.markdown import markdown_text
from network_space.core.models import utcnow
from network_space.events.models import FEED_ALL, REG_REGISTERED, Event, Registration
from network_space.extensions import db
from network_space.meetings import ical as meeting_ical
from network_space.meetings import queries as meeting_queries

# How far back a feed goes: calendar apps keep what they already have.
FEED_HISTORY_DAYS = 90


def _url(event: Event) -> str:
    return current_app.config["SITE_URL"] + url_for("events.detail", event_id=event.id)


def to_ics_event(event: Event) -> ics.IcsEvent:
    url = _url(event)
    description = [event.kind_label]
    if event.is_cancelled and event.cancel_reason:
        description.append(_("Annulé : %(reason)s", reason=event.cancel_reason))
    if event.description:
        description.append(markdown_text(event.description, lines=True))  # a calendar shows no Markdown
    if event.online_url:
        description.append(_("Lien de connexion : %(url)s", url=event.online_url))
    description.append(url)
    organiser = event.organisers[0] if event.organisers else None
    return ics.IcsEvent(
        uid=ics.ics_uid("event", event.id),
        start=event.first_day if event.all_day else event.starts_at,
        end=event.last_day + timedelta(days=1) if event.all_day else event.ends_at,
        summary=event.title,
        sequence=event.sequence,
        description="\n\n".join(description),
        location=", ".join(x for x in (event.place, event.online_url) if x),
        url=url,
        status=ics.STATUS_CANCELLED if event.is_cancelled else ics.STATUS_CONFIRMED,
        organizer=ics.Person(organiser.full_name, organiser.email) if organiser else None,
        updated_at=event.updated_at,
    )


def event_calendar(event: Event, method: str = ics.METHOD_PUBLISH) -> bytes:
    return ics.build_calendar([to_ics_event(event)], method=method)


def removal_calendar(event: Event) -> bytes:
    """For a member an organiser took off the event: the event cancelled for them (METHOD:CANCEL,
    the same UID and SEQUENCE), so that their calendar drops its copy; the event goes on."""
    item = dataclasses.replace(to_ics_event(event), status=ics.STATUS_CANCELLED)
    return ics.build_calendar([item], method=ics.METHOD_CANCEL)


def feed_events(user, scope: str) -> list[Event]:
    since = utcnow() - timedelta(days=FEED_HISTORY_DAYS)
    query = select(Event).where(Event.ends_at >= since).order_by(Event.starts_at)
    if scope != FEED_ALL:
        query = query.where(Event.id.in_(
            select(Registration.event_id).where(Registration.user_id == user.id, Registration.status == REG_REGISTERED)
        ))
    return list(db.session.scalars(query.options(selectinload(Event.organisers))))


def feed_calendar(user, scope: str) -> bytes:
    """The events, then the member's meetings as the meetings part writes them in invitations."""
    since = utcnow() - timedelta(days=FEED_HISTORY_DAYS)
    items = [to_ics_event(e) for e in feed_events(user, scope)]
    items += [meeting_ical.ics_event(m) for m in meeting_queries.dated_meetings_of(user, since)]
    return ics.build_calendar(items, name="Réseau clauses sociales — agenda de " + user.full_name)
