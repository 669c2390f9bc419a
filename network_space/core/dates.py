"""Time: store timezone-aware UTC, display and accept Europe/Paris, French formats via Babel."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_format_date
from flask_babel import format_date, format_datetime

from network_space.core.i18n import gettext as _
from network_space.core.i18n import locale_name, reader_filter

PARIS = ZoneInfo("Europe/Paris")
# The years a date typed or asked for may fall in: beyond them a day's arithmetic (the day after,
# the week around) overflows Python's date, and no meeting, event or report of the network is there.
MIN_YEAR, MAX_YEAR = 2000, 2100


def to_paris(value: datetime) -> datetime:
    return value.astimezone(PARIS)


def paris_today() -> date:
    """Today in Paris: the day people mean (at 00:30 in Paris it is still yesterday in UTC)."""
    return datetime.now(PARIS).date()


def paris_to_utc(day: date, at: time) -> datetime:
    """A wall-clock time in Paris on a given day, as aware UTC (DST handled by zoneinfo)."""
    return datetime.combine(day, at, tzinfo=PARIS).astimezone(timezone.utc)


def exists_in_paris(day: date, at: time) -> bool:
    """False for a wall-clock time the spring change of time skips (02:30 on the last Sunday of
    March): zoneinfo would silently move it an hour on."""
    local = datetime.combine(day, at, tzinfo=PARIS)
    return local.astimezone(timezone.utc).astimezone(PARIS).replace(tzinfo=None) == local.replace(tzinfo=None)


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
    return _day_in_words(day, _date_pattern(day, year), locale_name())


@lru_cache(maxsize=4096)
def _day_in_words(day: date, pattern: str, locale: str) -> str:
    # A page shows the same few days again and again (a month grid, a list of the week's
    # meetings); Babel takes ~20 µs to spell one out.
    if day.day == 1 and locale.startswith("fr"):
        pattern = pattern.replace("d MMMM", "d'er' MMMM")  # French writes the first of the month "1er"
    return babel_format_date(day, pattern, locale=locale)


def fmt_datetime(value: datetime | None, *, year: bool = False, seconds: bool = False) -> str:
    """"mardi 8 décembre à 14:00" (Paris time); `seconds` for the audit log."""
    if value is None:
        return ""
    return _("%(date)s à %(time)s", date=fmt_date(value, year=year), time=fmt_time(value, seconds=seconds))


def last_day_of(starts: datetime, ends: datetime) -> date:
    """The last day (Paris) something from ``starts`` to ``ends`` covers: an end at midnight closes
    the day before (an all-day event ends at 00:00 the next day)."""
    end = to_paris(ends)
    return end.date() - timedelta(days=1) if end.time() == time.min and ends > starts else end.date()


def fmt_span(starts: datetime, ends: datetime | None, all_day: bool = False, *, year: bool = False) -> str:
    """When something takes place, in words, the same on pages and in emails: "mardi 8 décembre, de
    09:00 à 12:00", "mardi 8 décembre (toute la journée)", "du mardi 8 décembre à 18:00 au mercredi
    9 décembre à 12:00"; ``year`` for a document kept for years."""
    if ends is None:
        return fmt_date(starts, year=year) if all_day else fmt_datetime(starts, year=year)
    first, end, last = to_paris(starts), to_paris(ends), last_day_of(starts, ends)
    if all_day:
        if first.date() == last:
            return _("%(day)s (toute la journée)", day=fmt_date(first, year=year))
        return _("du %(start)s au %(end)s", start=fmt_date(first, year=year), end=fmt_date(last, year=year))
    if first.date() == last:
        return _("%(day)s, de %(start)s à %(end)s", day=fmt_date(first, year=year), start=fmt_time(first),
                 end=fmt_time(end))
    return _("du %(start)s au %(end)s", start=fmt_datetime(first, year=year), end=fmt_datetime(end, year=year))


def fmt_time(value: datetime | time | None, *, seconds: bool = False) -> str:
    """"14:00" in Paris (a naive datetime is UTC, as everywhere here). Digits and colons in every
    locale the site speaks, so no Babel (~40 µs a time, several times per line of a list)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_paris(value if value.tzinfo else value.replace(tzinfo=timezone.utc))
    return value.strftime("%H:%M:%S" if seconds else "%H:%M")


def fmt_month(day: date) -> str:
    """A month, as a heading: "Décembre 2026"."""
    return first_upper(_day_in_words(day, "MMMM y", locale_name()))


def first_upper(text: str) -> str:
    """A date at the head of a line: "Dimanche 1 novembre", "Sunday 1 November". Jinja's
    `capitalize` (and str.capitalize) lower the rest, and English writes its months with a capital."""
    return text[:1].upper() + text[1:]


def fmt_pattern(value: date | datetime | None, pattern: str) -> str:
    """A fixed CLDR pattern, for machines and files (CSV cells, the search index), not for display."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value, pattern)
    return format_date(value, pattern)


def init_app(app) -> None:
    app.jinja_env.filters["datetime"] = reader_filter(fmt_datetime)
    app.jinja_env.filters["date"] = reader_filter(fmt_date)
    app.jinja_env.filters["time"] = fmt_time
    app.jinja_env.filters["span"] = reader_filter(fmt_span)
    app.jinja_env.filters["first_upper"] = first_upper
