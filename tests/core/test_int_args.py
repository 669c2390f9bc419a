"""Ids and numbers from query strings and forms go through core.http (int_arg / int_value and the
bounded URL converter): oversized or malformed values are a French 404 in a URL and an ignored
filter in a query string or form, never a 500."""
from __future__ import annotations

from datetime import date, time

import pytest

from network_space.accounts.models import User
from network_space.extensions import db
from network_space.meetings import services
from network_space.meetings import minutes as minutes_services
from network_space.meetings.models import Meeting
from tests.meetings.conftest import make_meeting, post

# Superscript two and Arabic-Indic digits pass str.isdigit() but int() refuses them.
HOSTILE = ["99999999999999999999", "2147483648", "-3", "+4", "1_000", "abc", "", " ", "%C2%B2", "%D9%A1%D9%A2", "%00"]


@pytest.mark.parametrize("value", [None, "", " 12 ", "12", 12, "0", "-1", "+5", "1_0", "²", "١٢", "2147483647",
                                   "2147483648", "9" * 30, 3.5, "abc"])
def test_int_value_accepts_ascii_digits_in_range_only(value):
    from network_space.core.http import int_value

    expected = {" 12 ": 12, "12": 12, 12: 12, "2147483647": 2147483647}
    assert int_value(value) == expected.get(value)
    assert int_value(value, 7) == expected.get(value, 7)


def test_page_numbers(app):
    from network_space.core.pagination import MAX_PAGE, page_arg

    for query, page in (("page=3", 3), ("page=0", 1), ("page=-2", 1), ("page=²", 1), ("page=50000", MAX_PAGE),
                        ("page=99999999999999", 1), ("", 1)):
        with app.test_request_context(f"/?{query}"):
            assert page_arg() == page, query


@pytest.mark.parametrize("path, params", [
    ("/members/", ("structure", "territory")),
    ("/directory/", ("sector", "territory")),
    ("/meetings/", ("series", "territory", "page")),
    ("/library/", ("page",)),
])
def test_hostile_filter_ids_are_ignored(client, login_as, path, params):
    login_as("coanimator")
    for value in HOSTILE:
        query = "&".join(f"{name}={value}" for name in params)
        response = client.get(f"{path}?{query}")
        assert response.status_code == 200, (path, value, response.status_code)


def test_oversized_ids_in_urls_are_a_french_404(client, login_as, make_user, app):
    organiser = make_user("coanimator")
    with app.app_context():
        meeting_id = make_meeting(organiser.id, slots=[(date(2027, 1, 4), time(9), time(10))])
        meeting = db.session.get(Meeting, meeting_id)
        services.schedule(meeting, meeting.slots[0].starts_at, meeting.slots[0].ends_at, db.session.get(User, organiser.id))
        minutes_services.save_minutes(meeting, db.session.get(User, organiser.id), "Relevé", {})
        db.session.commit()
    login_as(organiser)
    assert client.get(f"/meetings/{meeting_id}/minutes/revisions/1").status_code == 200
    for path in (f"/meetings/{meeting_id}/minutes/revisions/2147483648", "/meetings/2147483648",
                 f"/meetings/{meeting_id}/agenda/99999999999999/edit", "/directory/99999999999", "/members/2147483648"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Page introuvable" in response.get_data(as_text=True), path


def test_hostile_ids_in_the_meeting_form_are_ignored(client, login_as, make_user, app):
    member = make_user("member")
    organiser = login_as("coanimator")
    values = ["99999999999999999999", "²", "-1", "abc", str(member.id)]
    response = post(client, "/meetings/new", {
        "title": "Plénière", "kind": "pleniere", "format": "presentiel", "invite_scope": "none",
        "series_id": "²", "secretary_id": "99999999999", "named_member_ids": values, "organiser_ids": values,
        "resource_ids": values, "territory_ids": values,
    }, token_page="/meetings/new")
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        meeting = db.session.scalar(db.select(Meeting))
        assert [u.id for u in meeting.named_members] == [member.id]
        assert {u.id for u in meeting.organisers} == {member.id, organiser.id}
        assert meeting.series_id is None and meeting.secretary_id is None
