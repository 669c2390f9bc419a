"""One date format everywhere: "mardi 8 décembre", the year only when it is not the current one,
" à 14:00" for a time (Paris); templates and code never choose their own."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from flask_babel import force_locale, format_date, format_time

from network_space.core.dates import PARIS, fmt_date, fmt_datetime, fmt_month, fmt_span, fmt_time
from tests.demo_network import demo_network

ROOT = Path(__file__).resolve().parents[2]
DAYS = "lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche"
MONTHS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
ONE_FORMAT = re.compile(rf"\b(?:{DAYS}) (?:1er|\d{{1,2}}) (?:{MONTHS})(?: (\d{{4}}))?")
# What the other formats looked like: abbreviated days or months, numeric dates.
OTHER_FORMATS = re.compile(r"\b(?:lun|mar|mer|jeu|ven|sam|dim)\. \d|\b\d{1,2} (?:janv|févr|avr|juil|sept|oct|nov|déc)\.|"
                           r"\b\d{2}/\d{2}/\d{4}\b")


def test_the_one_format(app):
    this_year = datetime.now(PARIS).year
    with app.test_request_context():
        same = fmt_date(date(this_year, 3, 3))
        other = fmt_date(date(this_year + 1, 1, 5))
        assert ONE_FORMAT.fullmatch(same) and str(this_year) not in same, same
        assert ONE_FORMAT.fullmatch(other) and other.endswith(str(this_year + 1)), other
        assert fmt_date(date(this_year + 1, 1, 5), year=True) == other
        assert str(this_year) in fmt_date(date(this_year, 3, 3), year=True)
        # 13:00 UTC in January is 14:00 in Paris; the evening of 31 December UTC is already the
        # next year in Paris, and says so.
        assert fmt_datetime(datetime(this_year + 1, 1, 5, 13, tzinfo=timezone.utc)) == f"{other} à 14:00"
        new_year = fmt_datetime(datetime(this_year, 12, 31, 23, 30, tzinfo=timezone.utc))
        assert new_year.startswith(("lundi 1er janvier", "mardi 1er janvier", "mercredi 1er janvier", "jeudi 1er janvier",
                                    "vendredi 1er janvier", "samedi 1er janvier", "dimanche 1er janvier"))
        assert new_year.endswith(f"{this_year + 1} à 00:30"), new_year
        assert fmt_time(datetime(this_year, 7, 1, 7, 5, tzinfo=timezone.utc)) == "09:05"


def test_times_and_days_as_babel_says_them(app):
    """fmt_time formats without Babel and fmt_date keeps what Babel said: Babel (through
    flask-babel, Paris time) is the oracle, every 7 hours over more than a year and both changes
    of time, for aware and naive (UTC) datetimes and bare times, in both languages."""
    start = datetime(2026, 3, 1, tzinfo=timezone.utc)
    with app.test_request_context():
        for hours in range(0, 24 * 400, 7):
            moment = start + timedelta(hours=hours, minutes=hours % 60, seconds=hours % 59)
            for value in (moment, moment.replace(tzinfo=None), moment.time()):
                assert fmt_time(value) == format_time(value, "HH:mm"), value
                assert fmt_time(value, seconds=True) == format_time(value, "HH:mm:ss"), value
            day = moment.astimezone(PARIS).date()
            # French writes the first of the month "1er" (Babel's CLDR pattern has no ordinal).
            expected = format_date(day, "EEEE d'er' MMMM y" if day.day == 1 else "EEEE d MMMM y")
            assert fmt_date(moment, year=True) == expected
        for language, month in (("fr", "Mars 2027"), ("en", "March 2027")):
            with force_locale(language):
                assert fmt_month(date(2027, 3, 9)) == month


def test_a_span_says_the_day_once(app):
    """When something takes place, as pages and emails say it: the day once for an afternoon, the
    days for what spans several, an end at midnight closing the day before (Paris time)."""
    year = datetime.now(PARIS).year + 1
    with app.test_request_context():
        day, next_day = fmt_date(date(year, 1, 5)), fmt_date(date(year, 1, 6))
        # 08:00–11:00 UTC in January is 09:00–12:00 in Paris.
        morning = datetime(year, 1, 5, 8, tzinfo=timezone.utc), datetime(year, 1, 5, 11, tzinfo=timezone.utc)
        assert fmt_span(*morning) == f"{day}, de 09:00 à 12:00"
        assert fmt_span(morning[0], None) == f"{day} à 09:00"
        evening = datetime(year, 1, 5, 19, tzinfo=timezone.utc), datetime(year, 1, 5, 23, tzinfo=timezone.utc)
        assert fmt_span(*evening) == f"{day}, de 20:00 à 00:00"
        overnight = datetime(year, 1, 5, 17, tzinfo=timezone.utc), datetime(year, 1, 6, 11, tzinfo=timezone.utc)
        assert fmt_span(*overnight) == f"du {day} à 18:00 au {next_day} à 12:00"
        # An all-day event runs from midnight to midnight, Paris time.
        midnight = datetime(year, 1, 4, 23, tzinfo=timezone.utc)
        assert fmt_span(midnight, midnight + timedelta(days=1), True) == f"{day} (toute la journée)"
        assert fmt_span(midnight, midnight + timedelta(days=2), True) == f"du {day} au {next_day}"


def test_a_member_reading_english_gets_english_months(client, login_as):
    """What was once spelt out is kept per language: the member who chose English reads
    "December 2030" on the calendar a French reader just saw as "Décembre 2030"."""
    login_as("member", language="fr")
    assert "Décembre 2030" in client.get("/events/?date=2030-12-10").get_data(as_text=True)
    login_as("member", language="en")
    page = client.get("/events/?date=2030-12-10").get_data(as_text=True)
    assert "December 2030" in page and "Décembre 2030" not in page


def test_templates_do_not_choose_their_own_format():
    chosen = []
    for path in (ROOT / "templates").rglob("*"):
        if path.suffix in (".html", ".txt"):
            for match in re.finditer(r"\|\s*(?:date|datetime)\(([^)]*)\)", path.read_text(encoding="utf-8")):
                if match.group(1).strip() not in ("seconds=True", "year=True"):
                    chosen.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
    assert not chosen, "\n".join(chosen)


def test_babel_date_formatting_only_in_core_dates():
    found = []
    for path in (ROOT / "network_space").rglob("*.py"):
        if path.name == "dates.py" and path.parent.name == "core":
            continue
        if re.search(r"\bformat_(?:date|datetime|time|skeleton)\b", path.read_text(encoding="utf-8")):
            found.append(str(path.relative_to(ROOT)))
    assert not found, found


def test_dashboard_shows_dates_in_the_one_format(app, client):
    """The dashboard of the demo network mixes meetings, events, resources and announcements:
    every date on it reads the same way, with the year only when it is not this year."""
    token = demo_network(app).facilitator.session_token
    with client.session_transaction() as session:
        session["_user_id"] = token
    html = client.get("/").get_data(as_text=True)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[html.index("<main"):html.index("</main>")]))
    dates = ONE_FORMAT.findall(text)
    assert len(dates) >= 8, text
    this_year = str(datetime.now(PARIS).year)
    assert this_year not in dates, "the current year is said"
    assert not OTHER_FORMATS.search(text), OTHER_FORMATS.search(text).group(0)
