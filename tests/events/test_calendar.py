"""The calendar pages: month grid (a real table, Monday first, French names, public holidays),
week view, upcoming list, filters, navigation, hostile query strings, bounded queries."""
from __future__ import annotations

import re
from datetime import date, time, timedelta

from network_space.accounts.models import Territory
from network_space.core.dates import paris_to_utc
from network_space.events.models import Event
from network_space.extensions import db
from tests.helpers import count_queries


def test_month_view_is_a_french_table_starting_on_monday(client, login_as, make_event):
    login_as("member")
    make_event(day=date(2026, 12, 3), title="Forum de l'emploi de Voiron")
    page = client.get("/events/?date=2026-12").get_data(as_text=True)
    assert "<table" in page and 'scope="col"' in page
    headers = re.findall(r'<th scope="col"><abbr title="([^"]+)"', page)
    assert headers == ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
    assert "Agenda — Décembre 2026" in page
    # December 2026 starts on a Tuesday: the grid starts on Monday 30 November.
    first_cell = page.index("lundi 30 novembre")
    assert first_cell < page.index("mardi 1er décembre")
    assert "Forum de l&#39;emploi de Voiron" in page
    assert "Férié</p>" not in page  # sanity: the label is followed by the holiday name
    assert "Férié : Noël" in page


def test_public_holidays_in_the_month_view(client, login_as):
    login_as("member")
    page = client.get("/events/?date=2027-05").get_data(as_text=True)
    for name in ("Fête du Travail", "Fête de la Victoire", "Ascension", "Lundi de Pentecôte"):
        assert f"Férié : {name}" in page


def test_days_and_holidays_in_the_readers_language(client, login_as):
    """The list of days (the phone's month, the week) starts each day with a capital, and only
    there: an English reader gets "Sunday 1 November" (Jinja's capitalize gave "november") and the
    holiday's English name, without the French space before the colon."""
    login_as("member")
    french = client.get("/events/?date=2026-11").get_data(as_text=True)
    assert '<h2 id="list-day-2026-11-01">Dimanche 1er novembre</h2>' in french
    assert "Férié : Toussaint" in french
    login_as("member", language="en")
    english = client.get("/events/?date=2026-11").get_data(as_text=True)
    assert '<h2 id="list-day-2026-11-01">Sunday 1 November</h2>' in english
    assert "Public holiday: All Saints&#39; Day" in english and "Toussaint" not in english


def test_meetings_and_events_are_told_apart_in_words(client, login_as, make_event):
    login_as("member")
    make_event(day=date(2027, 2, 9), title="Information collective clauses")
    make_event(day=date(2027, 2, 10), title="Visite annulée", status="cancelled")
    page = client.get("/events/?date=2027-02").get_data(as_text=True)
    assert page.count('<span class="cal-type">Événement</span>') == 4  # the grid, and the list for phones
    assert '<span class="cal-flag">Annulé</span>' in page
    login_as("member", language="en")
    english = client.get("/events/?date=2027-02").get_data(as_text=True)
    assert english.count('<span class="cal-type">Event</span>') == 4 and "Événement" not in english


def test_multi_day_event_appears_on_each_day(client, login_as, make_event, app):
    login_as("member")
    with app.app_context():
        event = Event(title="Salon régional de l'inclusion", kind="forum", all_day=True, status="planned",
                      starts_at=paris_to_utc(date(2027, 3, 30), time(0)),
                      ends_at=paris_to_utc(date(2027, 4, 2), time(0)), sequence=0)
        db.session.add(event)
        db.session.commit()
    march = client.get("/events/?date=2027-03").get_data(as_text=True)
    grid, phone_list = march.split('class="calendar-month-list"')
    # 30, 31 March and 1 April: all three are in the March grid (which ends on Sunday 4 April);
    # the phone's list of days keeps to March.
    assert grid.count("Salon régional de l&#39;inclusion") == 3
    assert phone_list.count("Salon régional de l&#39;inclusion") == 2
    week = client.get("/events/semaine?date=2027-04-01").get_data(as_text=True)
    assert week.count("Salon régional de l&#39;inclusion") == 3
    assert "Lundi 29 mars" in week and "Dimanche 4 avril" in week


def test_filters_by_kind_and_territory(client, login_as, make_event, app):
    login_as("member")
    with app.app_context():
        territory = Territory(name="CA du Pays Voironnais (test)", short_name="Voironnais test", sector="sud")
        db.session.add(territory)
        db.session.commit()
        territory_id = territory.id
    make_event(day=date(2027, 1, 12), title="Visite Voiron", kind="site_visit", territory_id=territory_id)
    make_event(day=date(2027, 1, 13), title="Webinaire achats", kind="training")
    page = client.get("/events/?date=2027-01&kind=site_visit").get_data(as_text=True)
    assert "Visite Voiron" in page and "Webinaire achats" not in page
    page = client.get(f"/events/?date=2027-01&territory={territory_id}").get_data(as_text=True)
    assert "Visite Voiron" in page and "Webinaire achats" not in page
    # Navigation keeps the filters.
    assert f"date=2027-02&amp;kind=" not in page
    assert re.search(r'href="/events/\?date=2027-02&amp;territory=%d"' % territory_id, page)
    page = client.get("/events/a-venir?kind=training").get_data(as_text=True)
    assert "Webinaire achats" in page and "Visite Voiron" not in page


def test_previous_next_and_today_links(client, login_as):
    login_as("member")
    page = client.get("/events/?date=2027-01").get_data(as_text=True)
    assert 'href="/events/?date=2026-12"' in page and 'href="/events/?date=2027-02"' in page
    assert ">Aujourd'hui<" in page
    week = client.get("/events/semaine?date=2027-01-14").get_data(as_text=True)
    assert 'href="/events/semaine?date=2027-01-04"' in week and 'href="/events/semaine?date=2027-01-18"' in week


def test_hostile_query_strings_do_not_break_pages(client, login_as):
    login_as("member")
    for url in ("/events/?date=9999-99", "/events/?date=1-1-1&kind=<script>&territory=-1",
                "/events/?date=0001-01", "/events/semaine?date=x", "/events/a-venir?page=abc&territory=99999999999",
                "/events/?territory=1e9"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "<script>" not in response.get_data(as_text=True)


def test_upcoming_lists_future_events_only(client, login_as, make_event):
    login_as("member")
    make_event(days_ahead=-10, title="Réunion passée")
    make_event(days_ahead=5, title="Rencontre acheteurs Vienne", kind="buyers_meeting")
    page = client.get("/events/a-venir").get_data(as_text=True)
    assert "Rencontre acheteurs Vienne" in page and "Réunion passée" not in page


def test_month_view_queries_are_bounded(client, login_as, app, make_event):
    login_as("member")
    with app.app_context():
        territories = [Territory(name=f"Territoire {i}", sector="nord") for i in range(5)]
        db.session.add_all(territories)
        db.session.flush()
        start = paris_to_utc(date(2027, 6, 1), time(9))
        for i in range(300):
            begins = start + timedelta(hours=2 * i)
            db.session.add(Event(title=f"Événement {i}", kind="forum", starts_at=begins,
                                 ends_at=begins + timedelta(hours=1), status="planned", sequence=0,
                                 territory_id=territories[i % 5].id))
        db.session.commit()
    client.get("/events/?date=2027-06")  # warm-up
    with count_queries(app) as counter:
        page = client.get("/events/?date=2027-06").get_data(as_text=True)
    assert "Événement 299" in page
    assert counter.count <= 8, counter


def test_meetings_appear_labelled_and_only_when_visible(client, login_as, app):
    from network_space.meetings.models import Meeting

    login_as("member")
    start = paris_to_utc(date(2027, 2, 16), time(14))
    with app.app_context():
        public = Meeting(title="Plénière du réseau", status="scheduled", starts_at=start, ends_at=start + timedelta(hours=2))
        private = Meeting(title="Groupe restreint", status="scheduled", private=True, starts_at=start,
                          ends_at=start + timedelta(hours=2))
        draft = Meeting(title="Brouillon de réunion", status="draft", starts_at=start, ends_at=start + timedelta(hours=2))
        db.session.add_all([public, private, draft])
        db.session.commit()
        public_id = public.id
    page = client.get("/events/?date=2027-02").get_data(as_text=True)
    assert f'href="/meetings/{public_id}"' in page
    assert re.search(r'cal-meeting[^>]*>\s*<span class="cal-type">Réunion</span>', page)
    assert "Plénière du réseau" in page
    assert "Groupe restreint" not in page and "Brouillon de réunion" not in page
    # Filters are about events: meetings step aside, and the page says so.
    page = client.get("/events/?date=2027-02&kind=forum").get_data(as_text=True)
    assert "Plénière du réseau" not in page and "Les réunions ne sont affichées que sans filtre." in page


def test_dashboard_panel_lists_next_events(client, login_as, make_event, app):
    from network_space.events.models import Registration

    user = login_as("member")
    assert "Prochains événements" not in client.get("/").get_data(as_text=True)
    event_id = make_event(days_ahead=3, title="Information collective Voiron")
    make_event(days_ahead=-3, title="Déjà passé")
    with app.app_context():
        db.session.add(Registration(event_id=event_id, user_id=user.id, status="registered"))
        db.session.commit()
    page = client.get("/").get_data(as_text=True)
    assert "Prochains événements" in page and "Information collective Voiron" in page
    assert "inscrit·e" in page and "Déjà passé" not in page
