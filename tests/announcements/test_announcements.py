"""Network announcements: written by co-animators, scoped to everyone, a sector or territories,
notified through notify(), displayed as sanitized Markdown."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from network_space.accounts.models import Territory, User
from network_space.announcements.models import Announcement
from network_space.announcements.services import announcement_recipients, publish_announcement
from network_space.core.outbox import deliver_pending
from network_space.extensions import db
from network_space.notifications.models import Notification
from tests.helpers import csrf_token


@pytest.fixture
def network(app, make_user):
    """Two members in the Nord, one in the Sud, one without territory, one deactivated."""
    with app.app_context():
        capi = Territory(name="CA Porte de l'Isère", short_name="CAPI", sector="nord")
        vienne = Territory(name="Vienne Condrieu Agglomération", sector="nord")
        trieves = Territory(name="CC du Trièves", short_name="Trièves", sector="sud")
        db.session.add_all([capi, vienne, trieves])
        db.session.commit()
        ids = {"capi": capi.id, "vienne": vienne.id, "trieves": trieves.id}
    people = {
        "nord1": make_user(full_name="Nina Nord"),
        "nord2": make_user(full_name="Noé Nord"),
        "sud": make_user(full_name="Sam Sud"),
        "none": make_user(full_name="Zoé Sans-territoire"),
        "gone": make_user(full_name="Ancien", active=False),
        "coanim": make_user("coanimator", full_name="Claire Coanim"),
    }
    with app.app_context():
        for key, territory in (("nord1", "capi"), ("nord2", "vienne"), ("sud", "trieves"), ("gone", "capi")):
            user = db.session.get(User, people[key].id)
            user.territories.append(db.session.get(Territory, ids[territory]))
        db.session.commit()
    return people, ids


def _names(users):
    return sorted(u.full_name for u in users)


def test_audience_scoping(ctx, network):
    people, ids = network
    everyone = ["Claire Coanim", "Nina Nord", "Noé Nord", "Sam Sud", "Zoé Sans-territoire"]
    assert _names(announcement_recipients("all")) == everyone
    assert _names(announcement_recipients("nord")) == ["Nina Nord", "Noé Nord"]
    assert _names(announcement_recipients("sud")) == ["Sam Sud"]
    assert _names(announcement_recipients("territories", [ids["vienne"], ids["trieves"]])) == ["Noé Nord", "Sam Sud"]
    with pytest.raises(ValueError):
        announcement_recipients("everyone-else")


def test_publish_notifies_the_audience_by_email_except_the_author(ctx, smtp, network):
    people, ids = network
    author = db.session.get(User, people["coanim"].id)
    item = publish_announcement(author, "Plénière du 12 mars", "Ordre du jour **provisoire**", "nord")
    db.session.commit()
    assert item.recipient_count == 2
    assert sorted(db.session.scalars(select(Notification.user_id))) == sorted([people["nord1"].id, people["nord2"].id])
    deliver_pending()
    assert sorted(m["To"] for m in smtp.messages) == sorted([people["nord1"].email, people["nord2"].email])
    html = smtp.messages[0].get_body(("html",)).get_content()
    assert "<strong>provisoire</strong>" in html
    assert smtp.messages[0]["List-Unsubscribe"]


def test_coanimator_writes_an_announcement_through_the_form(app, client, login_as, network):
    people, ids = network
    login_as(people["coanim"])
    html = client.get("/annonces/nouvelle").get_data(as_text=True)
    assert "CA Porte de l&#39;Isère (Nord-Isère)" in html and "CC du Trièves (Sud-Isère)" in html
    token = csrf_token(html)

    response = client.post("/annonces/nouvelle", data={"csrf_token": token, "title": "", "body": "x",
                                                       "audience": "territories"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Indiquez un titre." in page and "Choisissez au moins un territoire." in page

    response = client.post("/annonces/nouvelle", data={"csrf_token": token, "title": "x" * 201, "body": "x",
                                                       "audience": "all"})
    assert response.status_code == 400 and "200 caractères au maximum" in response.get_data(as_text=True)

    response = client.post("/annonces/nouvelle", data={
        "csrf_token": token, "title": "Atelier Trièves", "audience": "territories",
        "territories": [str(ids["trieves"])],
        "body": "Bonjour <script>alert(1)</script> [lien](javascript:alert(1)) et **gras**",
    }, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Annonce publiée et envoyée à 1 membre." in page
    assert "<strong>gras</strong>" in page and "<script>alert" not in page and "href=\"javascript" not in page
    with app.app_context():
        assert db.session.scalar(select(Notification.user_id)) == people["sud"].id

    listing = client.get("/annonces/").get_data(as_text=True)
    assert "Atelier Trièves" in listing and "Trièves" in listing
    dashboard = client.get("/").get_data(as_text=True)
    assert "Dernières annonces" in dashboard and "Atelier Trièves" in dashboard
    assert 'href="/annonces/"' in dashboard  # the nav entry


def test_members_read_but_cannot_write(app, client, login_as, network):
    people, _ = network
    login_as(people["nord1"])
    assert client.get("/annonces/nouvelle").status_code == 403
    assert client.get("/annonces/").status_code == 200
    assert "Nouvelle annonce" not in client.get("/annonces/").get_data(as_text=True)
    assert client.get("/annonces/424242").status_code == 404


def test_hostile_form_input_gets_french_errors(app, client, login_as, network):
    people, _ = network
    login_as(people["coanim"])
    token = csrf_token(client.get("/annonces/nouvelle").get_data(as_text=True))
    for data in ({"audience": "martians"}, {"audience": "territories", "territories": ["abc"]},
                 {"audience": "territories", "territories": ["999999"]}, {"body": "x" * 20001}):
        form = {"csrf_token": token, "title": "Titre", "body": "Texte", **data}
        response = client.post("/annonces/nouvelle", data=form)
        assert response.status_code == 400, data
        page = response.get_data(as_text=True)
        assert 'class="field-error"' in page
        assert "Not a valid" not in page and "Invalid" not in page, page[page.index("field-error"):][:300]
    with app.app_context():
        assert db.session.scalars(select(Announcement)).all() == []
