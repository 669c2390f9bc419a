"""A new member's first steps on the dashboard (issue 13): each step ticks itself from what the
member really did, the panel leaves once all are done or when hidden ("Masquer", kept); the
practical guide is a library resource admins choose."""
from __future__ import annotations

import html
import re
from datetime import date, time

from sqlalchemy import select

from network_space.accounts.models import Territory, User
from network_space.core.site_settings import get_setting
from network_space.events.models import EventKind
from network_space.extensions import db
from network_space.library.models import Resource
from network_space.meetings import services as meeting_services
from network_space.meetings.models import SCOPE_ALL, Meeting
from network_space.notifications.registry import user_categories
from tests.helpers import csrf_token
from tests.meetings.conftest import make_meeting

STEPS = ["Choisir vos territoires", "Suivre des types d'événements", "Abonner votre agenda",
         "Régler vos notifications", "Lire le guide pratique du réseau", "Voir la prochaine plénière et y répondre"]


def _panel(client) -> dict[str, bool] | None:
    """The steps of the welcome panel, label -> done; None when the panel is not shown."""
    page = html.unescape(client.get("/").get_data(as_text=True))
    if "Vos premiers pas" not in page:
        return None
    panel = page.split("Vos premiers pas", 1)[1].split("</section>", 1)[0]
    steps = {}
    for item in re.findall(r"<li[^>]*>(.*?)</li>", panel, re.S):
        label = next(s for s in STEPS if s in item)
        steps[label] = "Fait" in item
    return steps


def _post(client, url, data, page="/"):
    return client.post(url, data={"csrf_token": csrf_token(client.get(page).get_data(as_text=True)), **data})


def _network(app, make_user):
    """An admin, a guide in the library, a plenary scheduled for all, a territory."""
    admin = make_user("admin")
    with app.app_context():
        guide = Resource(title="Guide pratique du facilitateur", kind="note", body="Bienvenue", visibility="members",
                         author_id=admin.id)
        territory = Territory(name="CAPI", sector="nord")
        db.session.add_all([guide, territory])
        db.session.commit()
        meeting_id = make_meeting(admin.id, invite_scope=SCOPE_ALL, slots=[(date(2027, 3, 9), time(9), time(12))])
        meeting = db.session.get(Meeting, meeting_id)
        meeting_services.schedule(meeting, meeting.slots[0].starts_at, meeting.slots[0].ends_at,
                                  db.session.get(User, admin.id))
        db.session.commit()
        return admin, guide.id, territory.id, meeting_id


def test_each_step_ticks_itself_and_the_panel_leaves_when_all_are_done(app, client, make_user, login_as):
    admin, guide_id, territory_id, meeting_id = _network(app, make_user)
    login_as(admin)
    assert _post(client, "/library/guide", {"resource_id": str(guide_id)}, "/library/categories").status_code == 302
    with app.app_context():
        assert get_setting("library.guide_resource_id") == str(guide_id)
        newcomer = make_user("member")
        meeting_services.refresh_rule_invitees(db.session.get(User, newcomer.id))  # as when joining
        db.session.commit()
    login_as(newcomer)
    assert _panel(client) == dict.fromkeys(STEPS, False)

    _post(client, "/profile/edit", {"full_name": newcomer.full_name, "territories": str(territory_id),
                                    "language": "fr"}, "/profile/edit")
    with app.app_context():
        kind_id = db.session.scalars(select(EventKind.id)).first()
    _post(client, "/events/mon-agenda/suivis", {"kind_ids": str(kind_id)}, "/events/mon-agenda")
    _post(client, "/events/mon-agenda/abonnement", {"scope": "mine"}, "/events/mon-agenda")
    # Created is not subscribed: the step ticks once a calendar application has read the feed.
    assert _panel(client)["Abonner votre agenda"] is False
    feed_url = re.search(r"(/calendar/[^\"<\s]+\.ics)", client.get("/events/mon-agenda").get_data(as_text=True)).group(1)
    assert client.get(feed_url).status_code == 200
    preferences = {c.name: "immediate" for c in user_categories()}
    preferences[user_categories()[0].name] = "weekly"
    _post(client, "/notifications/settings", preferences, "/notifications/settings")
    assert _panel(client) == {**dict.fromkeys(STEPS, True), "Lire le guide pratique du réseau": False,
                              "Voir la prochaine plénière et y répondre": False}

    client.get(f"/library/{guide_id}")
    _post(client, f"/meetings/{meeting_id}/rsvp", {"rsvp": "yes"}, f"/meetings/{meeting_id}")
    assert _panel(client) is None  # all done: the panel leaves


def test_masquer_hides_the_panel_for_good(app, client, make_user, login_as):
    _network(app, make_user)
    newcomer = login_as("member")
    assert _panel(client) is not None
    response = _post(client, "/welcome/dismiss", {})
    assert response.status_code == 302
    assert _panel(client) is None
    with app.app_context():
        assert db.session.get(User, newcomer.id).welcome_dismissed_at is not None


def test_steps_that_do_not_apply_are_left_out(app, client, make_user, login_as):
    login_as("member")  # no guide chosen, no plenary planned
    assert list(_panel(client)) == STEPS[:4]


def test_only_admins_choose_the_guide_and_only_among_resources_for_all(app, client, make_user, login_as):
    admin = make_user("admin")
    with app.app_context():
        private = Resource(title="Notes des co-animateurs", kind="note", body="…", visibility="coanimators",
                           author_id=admin.id)
        db.session.add(private)
        db.session.commit()
        private_id = private.id
    login_as("coanimator")
    assert _post(client, "/library/guide", {"resource_id": str(private_id)}).status_code == 403
    login_as(admin)
    page = client.get("/library/categories").get_data(as_text=True)
    assert "Guide pratique du réseau" in page and "Notes des co-animateurs" not in page
    response = _post(client, "/library/guide", {"resource_id": str(private_id)}, "/library/categories")
    assert response.status_code == 302
    assert "Guide pratique du réseau" in client.get("/library/categories").get_data(as_text=True)
    with app.app_context():
        assert get_setting("library.guide_resource_id") is None
