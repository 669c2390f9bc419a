"""Time: store timezone-aware UTC, display and accept Europe/Paris, French formats via Babel."""
from __future__ import annotations

from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from flask_babel import format_date, format_datetime, format_time

PARIS = ZoneInfo("Europe/Paris")


def to_paris(value: datetime) -> datetime:
    return value.astimezone(PARIS)


def paris_to_utc(day: date, at: time) -> datetime:
    """A wall-clock time in Paris on a given day, as aware UTC (DST handled by zoneinfo)."""
    return datetime.combine(day, at, tzinfo=PARIS).astimezone(timezone.utc)


def local_naive_to_utc(value: datetime) -> datetime:
    """A naive datetime typed by a user (Paris wall clock) as aware UTC."""
    return value.replace(tzinfo=PARIS).astimezone(timezone.utc)


def fmt_datetime(value: datetime | None, fmt: str = "d MMMM y 'à' HH:mm") -> str:
    if value is None:
        return ""
    return format_datetime(value, fmt)


def fmt_date(value: date | datetime | None, fmt: str = "d MMMM y") -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_paris(value)
    return format_date(value, fmt)


def fmt_time(value: datetime | None, fmt: str = "HH:mm") -> str:
    if value is None:
        return ""
    return format_time(value, fmt)


def init_app(app) -> None:
    app.jinja_env.filters["datetime"] = fmt_datetime
    app.jinja_env.filters["date"] = fmt_date
    app.jinja_env.filters["time"] = fmt_time
