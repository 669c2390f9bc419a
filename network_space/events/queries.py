"""Reads for the calendar pages: events in a date range with filters, the month grid with
public holidays, the upcoming list. Each page costs a fixed number of queries."""
from __future__ import annotations

import calendar
import functools
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import holidays
from flask import request, url_for
from flask_babel import gettext as _
from sqlalchemy import Row, Select, bindparam, exists, func, select
from sqlalchemy.orm import joinedload, load_only

from network_space.accounts.welcome import Step
from network_space.core.dates import MAX_YEAR, MIN_YEAR, last_day_of, paris_to_utc, paris_today, to_paris
from network_space.core.http import int_arg
from network_space.core.i18n import SITE_LANGUAGE, gettext, locale_name
from network_space.core.permissions import can
from network_space.core.statements import NOW, Viewer, built_once, shape_of, values
from network_space.core.backlinks import Backlink
from network_space.directory.models import Organisation
from network_space.events.models import CalendarFeed, Event, EventKind, Registration, event_partner
from network_space.extensions import db
from network_space.meetings.models import STATUS_CANCELLED as MEETING_CANCELLED
from network_space.meetings.models import STATUS_DRAFT as MEETING_DRAFT
from network_space.meetings.models import STATUS_POLL as MEETING_POLL
from network_space.meetings.models import Meeting
from network_space.meetings.queries import visible_clause
from network_space.notifications.models import Follow



@dataclass
class Filters:
    kind: str | None = None
    territory_id: int | None = None
    organisation_id: int | None = None

    @classmethod
    def from_request(cls, kinds: list[EventKind]) -> "Filters":
        kind = request.args.get("kind") or None
        return cls(kind=kind if kind in {k.code for k in kinds} else None, territory_id=int_arg("territory"),
                   organisation_id=int_arg("organisation"))

    @property
    def shape(self) -> tuple:
        """Which filters are set: the shape of the statements built once (core/statements.py); their
        values are bound (``values``)."""
        return bool(self.kind), bool(self.territory_id), bool(self.organisation_id)

    @property
    def values(self) -> dict:
        return {"kind": self.kind, "territory_id": self.territory_id, "organisation_id": self.organisation_id}

    def args(self) -> dict:
        """The filters as query-string arguments, to keep them when navigating."""
        values = {"kind": self.kind, "territory": self.territory_id, "organisation": self.organisation_id}
        return {k: v for k, v in values.items() if v}

    @property
    def active(self) -> bool:
        return bool(self.args())


def _filtered(query: Select, shape: tuple) -> Select:
    kind, territory, organisation = shape
    if kind:
        query = query.where(Event.kind == bindparam("kind"))
    if territory:
        query = query.where(Event.territory_id == bindparam("territory_id"))
    if organisation:
        query = query.where(Event.partners.any(Organisation.id == bindparam("organisation_id")))
    return query


@built_once
def _kinds_statement():
    return select(EventKind).order_by(EventKind.position, EventKind.id)


def event_kinds() -> list[EventKind]:
    return list(db.session.scalars(_kinds_statement()))


def kinds_for_admin() -> list[tuple[EventKind, int, int]]:
    """Every kind with the number of events of that kind and of members who follow it."""
    events = select(func.count(Event.id)).where(Event.kind == EventKind.code).scalar_subquery()
    followers = select(func.count(Follow.id)).where(
        Follow.target_type == EventKind.__notification_type__, Follow.target_id == EventKind.id).scalar_subquery()
    return [tuple(row) for row in db.session.execute(
        select(EventKind, events, followers).order_by(EventKind.position, EventKind.id))]


def date_arg(name: str = "date") -> date:
    """The day asked for in the query string (YYYY-MM-DD or YYYY-MM), today for anything else."""
    raw = request.args.get(name, "")[:10]
    today = paris_today()
    for fmt in ("%Y-%m-%d", "%Y-%m"):
        try:
            day = datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
        if MIN_YEAR <= day.year <= MAX_YEAR:
            return day
    return today


def _days_values(first_day: date, last_day: date) -> dict:
    """The bound start and end of the days first_day..last_day (Paris)."""
    return {"start": paris_to_utc(first_day, time(0)), "end": paris_to_utc(last_day + timedelta(days=1), time(0))}


@built_once
def _between_statement(shape: tuple) -> Select:
    query = select(Event).where(Event.starts_at < bindparam("end"), Event.ends_at > bindparam("start"))
    return _filtered(query, shape).order_by(Event.starts_at, Event.id).options(joinedload(Event.territory))


def events_between(first_day: date, last_day: date, filters: Filters) -> list[Event]:
    """Events overlapping the days first_day..last_day (Paris), with what the calendar shows."""
    return list(db.session.scalars(_between_statement(filters.shape),
                                   {**filters.values, **_days_values(first_day, last_day)}))


@dataclass
class CalendarEntry:
    """One thing shown on a calendar day: an event or a meeting."""

    title: str
    url: str
    starts_at: datetime
    ends_at: datetime
    all_day: bool
    # "Événement" or "Réunion", translated once per entry: the month shows each entry twice (the
    # grid, the list for phones), and each translation in a template is a lookup (~4 µs).
    type_label: str
    is_meeting: bool = False
    cancelled: bool = False
    place: str | None = None

    @property
    def first_day(self) -> date:
        return to_paris(self.starts_at).date()

    @property
    def last_day(self) -> date:
        return last_day_of(self.starts_at, self.ends_at)


def event_entry(event: Event, url: str) -> CalendarEntry:
    return CalendarEntry(title=event.title, url=url, starts_at=event.starts_at, ends_at=event.ends_at,
                         all_day=event.all_day, type_label=gettext("Événement"), cancelled=event.is_cancelled,
                         place=event.place)


@dataclass
class Day:
    day: date
    in_month: bool
    is_today: bool
    holiday: str | None
    entries: list[CalendarEntry] = field(default_factory=list)


# The holidays package names France's public holidays in French and in American English.
HOLIDAY_LANGUAGES = {"fr": "fr", "en": "en_US"}


@functools.lru_cache(maxsize=64)
def _holidays_of_year(year: int, language: str) -> tuple[tuple[date, str], ...]:
    """One year's public holidays, worked out once per process: the holidays package computes
    them (Easter and the days that follow it) at each call, 0.4 ms that each display of the
    calendar paid for a list that changes once a year."""
    return tuple(sorted(holidays.France(years=year, language=HOLIDAY_LANGUAGES.get(language, "fr")).items()))


def french_holidays(first_day: date, last_day: date, language: str = SITE_LANGUAGE) -> dict[date, str]:
    """France's public holidays between the two days, named in ``language`` (a site language)."""
    return {d: name for year in range(first_day.year, last_day.year + 1) for d, name in _holidays_of_year(year, language)
            if first_day <= d <= last_day}


def grid_days(days: list[date], entries: list[CalendarEntry], month: int | None = None) -> list[Day]:
    today = paris_today()
    public = french_holidays(days[0], days[-1], locale_name())
    by_day = {d: Day(d, month is None or d.month == month, d == today, public.get(d)) for d in days}
    for entry in entries:
        day = max(entry.first_day, days[0])
        while day <= min(entry.last_day, days[-1]):
            by_day[day].entries.append(entry)
            day += timedelta(days=1)
    return [by_day[d] for d in days]


def month_days(year: int, month: int) -> list[date]:
    """The days of the month's grid, whole weeks from Monday to Sunday."""
    weeks = calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(year, month)
    return [day for week in weeks for day in week]


def week_days(day: date) -> list[date]:
    monday = day - timedelta(days=day.weekday())
    return [monday + timedelta(days=i) for i in range(7)]


def shift_month(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@built_once
def upcoming(shape: tuple) -> Select:
    """Events not over (NOW bound), soonest first, for filters of this shape (Filters.shape), executed
    with the filters' values and the moment (core.statements.values)."""
    return _not_over(shape).options(joinedload(Event.territory))


def _not_over(shape: tuple) -> Select:
    return _filtered(select(Event).where(Event.ends_at > NOW), shape).order_by(Event.starts_at, Event.id)


@built_once
def _partners_statement():
    used = select(event_partner.c.organisation_id)
    return select(Organisation.id, Organisation.name).where(Organisation.id.in_(used)).order_by(Organisation.name)


def partner_organisations() -> list[Row]:
    """The organisations that are partners of at least one event: the organisation filter. Only
    the id and name it shows: a whole Organisation per option cost a third of the calendar page."""
    return list(db.session.execute(_partners_statement()))


@built_once
def _meetings_statement(role) -> Select:
    return select(Meeting).where(
        visible_clause(Viewer(role)), Meeting.status.not_in((MEETING_DRAFT, MEETING_POLL)),
        Meeting.starts_at.is_not(None), Meeting.ends_at.is_not(None),
        Meeting.starts_at < bindparam("end"), Meeting.ends_at > bindparam("start"),
    ).order_by(Meeting.starts_at, Meeting.id)


def meetings_between(first_day: date, last_day: date, user) -> list[CalendarEntry]:
    """The network's meetings with a date in the range that the member may see (meetings part)."""
    meetings = db.session.scalars(_meetings_statement(shape_of(user)),
                                  {**values(user), **_days_values(first_day, last_day)})
    label = gettext("Réunion")
    return [
        CalendarEntry(title=m.title, url=url_for("meetings.show", meeting_id=m.id), starts_at=m.starts_at,
                      ends_at=m.ends_at, all_day=False, type_label=label, is_meeting=True,
                      cancelled=m.status == MEETING_CANCELLED, place=m.place)
        for m in meetings
    ]


@built_once
def _upcoming_panel_statement():
    registered = exists().where(Registration.user_id == Viewer.id, Registration.event_id == Event.id)
    shown = load_only(Event.id, Event.title, Event.status, Event.starts_at, Event.ends_at, Event.all_day)
    return _not_over(Filters().shape).add_columns(registered).options(shown).limit(5)


def upcoming_panel(user) -> dict | None:
    """The dashboard's panel: the next five events, the member's registrations flagged; hidden
    when nothing is planned."""
    if not can("events.view", None, user):
        return None
    rows = db.session.execute(_upcoming_panel_statement(), values(user)).all()
    if not rows:
        return None
    return {"events": [event for event, _mine in rows], "mine": {event.id for event, mine in rows if mine}}


def partner_backlinks(organisation, user) -> list[Backlink]:
    """The events an organisation is a partner of, for its page in the directory."""
    if not can("events.view", None, user):
        return []
    events = db.session.scalars(
        select(Event).join(event_partner, event_partner.c.event_id == Event.id)
        .where(event_partner.c.organisation_id == organisation.id).order_by(Event.starts_at.desc()).limit(50)
    )
    return [Backlink(_("Événement"), event.title, url_for("events.detail", event_id=event.id), event.starts_at)
            for event in events]


# --- the welcome checklist's steps (accounts/welcome.py) ----------------------------------------

def follows_kinds(user):
    return exists().where(Follow.user_id == user.id, Follow.target_type == EventKind.__notification_type__)


def follow_kinds_step(user, done: bool) -> Step:
    return Step(_("Suivre des types d'événements"), url_for("events.my_calendar", _anchor="suivis"), bool(done),
                _("Forums, visites de chantier, rencontres acheteurs… : soyez prévenu·e des nouveaux."))


def calendar_read(user):
    return exists().where(CalendarFeed.user_id == user.id, CalendarFeed.last_used_at.is_not(None))


def calendar_step(user, done: bool) -> Step:
    return Step(_("Abonner votre agenda"), url_for("events.my_calendar", _anchor="abonnement"), bool(done),
                _("Coché dès que votre agenda (Outlook, Google Agenda, téléphone) a lu votre adresse d'abonnement."))
