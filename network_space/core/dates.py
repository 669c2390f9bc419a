"""Time: store timezone-aware UTC, display and accept Europe/Paris, French formats via Babel."""
from __future__ import annotations

from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from flask_babel import format_date, format_datetime, format_time
from flask_babel import gettext as _

PARIS = ZoneInfo("Europe/Paris")


def to_paris(value: datetime) -> datetime:
    return value.astimezone(PARIS)


def paris_today() -> date:
    """Today in Paris: the day people mean (at 00:30 in Paris it is still yesterday in UTC)."""
    return datetime.now(PARIS).date()


def paris_to_utc(day: date, at: time) -> datetime:
    """A wall-clock time in Paris on a given day, as aware UTC (DST handled by zoneinfo)."""
    return datetime.combine(day, at, tzinfo=PARIS).astimezone(timezone.utc)


def local_naive_to_utc(value: datetime) -> datetime:
    """A naive datetime typed by a user (Paris wall clock) as aware UTC."""
    return value.replace(tzinfo=PARIS).astimezone(timezone.utc)


# One date format for people, everywhere (pages, emails, notifications, documents): the weekday,
# the day and the month in words, and the year when it is not the current one: "mardi 8 décembre",
# "mardi 5 janvier 2027", "mardi 8 décembre à 14:00". Machine formats (exports, the search index)
# use fmt_pattern.

def _local_day(value: date | datetime) -> date:
    return to_paris(value).date() if isinstance(value, datetime) else value


def _date_pattern(day: date, year: bool) -> str:
    return "EEEE d MMMM y" if year or day.year != datetime.now(PARIS).year else "EEEE d MMMM"


def fmt_date(value: date | datetime | None, *, year: bool = False) -> str:
    """"mardi 8 décembre", with the year if it is not this year (or if `year`: a document kept
    for years)."""
    if value is None:
        return ""
    day = _local_day(value)
    return format_date(day, _date_pattern(day, year))


def fmt_datetime(value: datetime | None, *, year: bool = False, seconds: bool = False) -> str:
    """"mardi 8 décembre à 14:00" (Paris time); `seconds` for the audit log."""
    if value is None:
        return ""
    return _("%(date)s à %(time)s", date=fmt_date(value, year=year), time=fmt_time(value, seconds=seconds))


def fmt_time(value: datetime | time | None, *, seconds: bool = False) -> str:
    if value is None:
        return ""
    return format_time(value, "HH:mm:ss" if seconds else "HH:mm")


def fmt_month(day: date) -> str:
    """A month, as a heading: "Décembre 2026"."""
    return format_date(day, "MMMM y").capitalize()


def fmt_pattern(value: date | datetime | None, pattern: str) -> str:
    """A fixed CLDR pattern, for machines and files (CSV cells, the search index), not for display."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value, pattern)
    return format_date(value, pattern)


def init_app(app) -> None:
    app.jinja_env.filters["datetime"] = fmt_datetime
    app.jinja_env.filters["date"] = fmt_date
    app.jinja_env.filters["time"] = fmt_time
