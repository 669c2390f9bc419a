"""Library resources linked to a meeting and to agenda items, shown only to those who may see them."""
from __future__ import annotations

from network_space.extensions import db
from network_space.library.models import KIND_NOTE, VISIBILITY_COANIMATORS, VISIBILITY_MEMBERS, Resource
from network_space.meetings.models import Meeting
from tests.meetings.conftest import make_meeting, post


def test_linked_resources(client, login_as, make_user, app):
    organiser = make_user("coanimator")
    member = make_user("member")
    with app.app_context():
        guide = Resource(kind=KIND_NOTE, title="Guide des clauses bailleurs", body="x", visibility=VISIBILITY_MEMBERS)
        internal = Resource(kind=KIND_NOTE, title="Note interne co-animation", body="x", visibility=VISIBILITY_COANIMATORS)
        db.session.add_all([guide, internal])
        db.session.commit()
        guide_id, internal_id = guide.id, internal.id
        meeting_id = make_meeting(organiser.id, invitee_ids=[member.id])
    login_as(organiser)
    edit = f"/meetings/{meeting_id}/edit"
    form = {"title": "Plénière", "kind": "pleniere", "format": "presentiel", "place": "Grenoble", "invite_scope": "none",
            "named_member_ids": [str(member.id)], "organiser_ids": [str(organiser.id)], "series_id": "",
            "resource_ids": [str(guide_id), str(internal_id)]}
    assert post(client, edit, form, token_page=edit).status_code == 302
    post(client, f"/meetings/{meeting_id}/agenda", {"title": "Charte", "resource_ids": [str(guide_id)]})
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        assert [r.id for r in meeting.resources] == [guide_id, internal_id]
        assert [r.id for r in meeting.agenda_items[0].resources] == [guide_id]
        meeting.status = "scheduled"
        db.session.commit()
    assert "Note interne co-animation" in client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    login_as(member)
    page = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert page.count("Guide des clauses bailleurs") == 2 and "Note interne co-animation" not in page


def test_agenda_item_edit(client, login_as, make_user, app):
    organiser = make_user("coanimator")
    with app.app_context():
        meeting_id = make_meeting(organiser.id)
    login_as(organiser)
    post(client, f"/meetings/{meeting_id}/agenda", {"title": "Tour de table", "duration": "20"})
    with app.app_context():
        item_id = db.session.get(Meeting, meeting_id).agenda_items[0].id
    url = f"/meetings/{meeting_id}/agenda/{item_id}/edit"
    page = client.get(url).get_data(as_text=True)
    assert 'value="Tour de table"' in page and 'value="20"' in page
    assert post(client, url, {"title": "Tour de table des territoires", "duration": "700"}, token_page=url).status_code == 200
    assert post(client, url, {"title": "Tour de table des territoires", "duration": "30"}, token_page=url).status_code == 302
    with app.app_context():
        item = db.session.get(Meeting, meeting_id).agenda_items[0]
        assert (item.title, item.duration_minutes) == ("Tour de table des territoires", 30)
    login_as("coanimator")
    assert client.get(url).status_code == 403
