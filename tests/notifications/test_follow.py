"""Following any registered target, from the include on any page, and notify_followers()."""
from __future__ import annotations

import html

import pytest
from flask import render_template_string
from sqlalchemy import select

from network_space.announcements.models import Announcement
from network_space.extensions import db
from network_space.notifications.models import Follow, Notification
from network_space.notifications.registry import target_type_of
from network_space.notifications.services import (
    follow,
    follower_count,
    forget_target,
    is_following,
    notify_followers,
    unfollow,
)
from tests.helpers import csrf_token


def test_follow_unfollow_and_notify_followers(ctx, make_user, announcement):
    a, b, c = make_user(), make_user(), make_user()
    target = db.session.get(Announcement, announcement())
    other = db.session.get(Announcement, announcement("Autre"))
    follow(a, target)
    follow(a, target)  # idempotent
    follow(b, target)
    follow(c, other)
    db.session.commit()
    assert is_following(a, target) and not is_following(c, target)
    assert follower_count(target) == 2

    notify_followers("test.resource", target, actor=b)
    db.session.commit()
    assert [n.user_id for n in db.session.scalars(select(Notification))] == [a.id]  # the actor is skipped

    # Followers of another object (e.g. a territory) told about this one.
    notify_followers("test.resource", target, followed=other)
    db.session.commit()
    assert db.session.scalar(select(Notification.user_id).where(Notification.user_id == c.id)) == c.id

    assert unfollow(a, target) is True and unfollow(a, target) is False
    forget_target(other)
    db.session.commit()
    assert [(f.user_id, f.target_id) for f in db.session.scalars(select(Follow))] == [(b.id, target.id)]


def test_follow_button_include_and_views(app, client, login_as, announcement):
    user = login_as("member")
    target_id = announcement()

    def button():
        with app.test_request_context("/annonces/"):
            from flask_login import login_user

            login_user(user)
            target = db.session.get(Announcement, target_id)
            return render_template_string(
                '{% with obj=target %}{% include "notifications/_follow_button.html" %}{% endwith %}', target=target)

    with app.app_context():
        html = button()
    assert f'action="/notifications/suivre/announcement/{target_id}"' in html and "Suivre" in html

    token = csrf_token(client.get("/notifications/").get_data(as_text=True))
    response = client.post(f"/notifications/suivre/announcement/{target_id}",
                           data={"csrf_token": token, "next": "/annonces/"})
    assert response.status_code == 302 and response.headers["Location"] == "/annonces/"
    with app.app_context():
        assert is_following(user, db.session.get(Announcement, target_id))
        assert f'action="/notifications/ne-plus-suivre/announcement/{target_id}"' in button()

    response = client.post(f"/notifications/ne-plus-suivre/announcement/{target_id}",
                           data={"csrf_token": token, "next": "https://evil.example/"})
    assert response.headers["Location"] == f"/annonces/{target_id}"  # unsafe next ignored
    with app.app_context():
        assert not is_following(user, db.session.get(Announcement, target_id))

    assert client.post("/notifications/suivre/announcement/999999", data={"csrf_token": token}).status_code == 404
    assert client.post("/notifications/suivre/nothing/1", data={"csrf_token": token}).status_code == 404
    assert client.post(f"/notifications/suivre/announcement/{target_id}").status_code == 400  # CSRF


def test_following_a_territory(app, client, login_as, make_user):
    from network_space.accounts.models import Territory

    user = login_as("member")
    with app.app_context():
        territory = Territory(name="CC du Trièves", sector="sud")
        db.session.add(territory)
        db.session.commit()
        territory_id = territory.id
    token = csrf_token(client.get("/notifications/").get_data(as_text=True))
    response = client.post(f"/notifications/suivre/territory/{territory_id}", data={"csrf_token": token})
    assert response.headers["Location"] == f"/members/?territory={territory_id}"
    with app.app_context():
        territory = db.session.get(Territory, territory_id)
        notify_followers("test.resource", territory, title="Nouvel atelier dans le Trièves", url="/annonces/")
        db.session.commit()
        assert db.session.scalar(select(Notification.user_id)) == user.id


def test_a_target_is_registered_with_the_permission_viewing_it_needs():
    from network_space.notifications.registry import register_target

    class Unknown:
        __tablename__ = "unknown"

    with pytest.raises(TypeError):
        register_target(Unknown)  # no permission: refused
    for permission in ("", None, "no.such.rule"):
        with pytest.raises(ValueError):
            register_target(Unknown, permission=permission)


def _hidden_targets(app, make_user):
    """A co-animators-only resource, a private meeting and the draft minutes of a meeting every
    member may see, each with a title a member must not learn; (type, id, title) of each."""
    from network_space.accounts.models import User
    from network_space.library import services as library
    from network_space.library.models import Category
    from network_space.meetings.models import Meeting
    from tests.meetings.conftest import make_held_meeting, make_meeting

    coanimator = make_user("coanimator")
    with app.app_context():
        library.ensure_defaults()
        category_id = db.session.scalar(select(Category.id))
        resource = library.create_resource(db.session.get(User, coanimator.id), {
            "kind": "note", "title": "Grille salariale confidentielle", "body": "…", "category_id": category_id,
            "tags": [], "sector_ids": [], "visibility": "coanimators"})
        db.session.commit()
        private_id = make_meeting(coanimator.id, title="Bilan RH restreint", private=True)
        held = db.session.get(Meeting, make_held_meeting(coanimator.id, minutes="Brouillon non publié"))
        held.title = "Plénière de janvier"
        db.session.commit()
        objects = [(resource, "Grille salariale confidentielle"),
                   (db.session.get(Meeting, private_id), "Bilan RH restreint"), (held.minutes, "Plénière de janvier")]
        return coanimator, [(target_type_of(obj), obj.id, title) for obj, title in objects]


def test_following_what_one_may_not_view_is_a_404_that_leaks_no_title(app, client, login_as, make_user):
    coanimator, targets = _hidden_targets(app, make_user)
    member = login_as("member")
    token = csrf_token(client.get("/notifications/").get_data(as_text=True))
    for target_type, target_id, title in targets:
        for action in ("suivre", "ne-plus-suivre"):
            response = client.post(f"/notifications/{action}/{target_type}/{target_id}",
                                   data={"csrf_token": token}, follow_redirects=True)
            assert response.status_code == 404, (action, target_type)
            assert title not in response.get_data(as_text=True)
        assert title not in client.get("/notifications/").get_data(as_text=True)  # nor flashed later
    with app.app_context():
        assert db.session.scalars(select(Follow).where(Follow.user_id == member.id)).all() == []

    # Those who may view them follow them as before.
    login_as(coanimator)
    for target_type, target_id, title in targets:
        response = client.post(f"/notifications/suivre/{target_type}/{target_id}", data={"csrf_token": token})
        response = client.get(response.headers["Location"])
        assert response.status_code == 200 and title in response.get_data(as_text=True), target_type
    with app.app_context():
        followed = db.session.execute(select(Follow.target_type, Follow.target_id).where(
            Follow.user_id == coanimator.id)).all()
        assert {(t, i) for t, i, _ in targets} <= set(followed)


def test_a_follower_who_may_no_longer_view_the_target_hears_nothing(app, make_user):
    from network_space.library.models import Resource

    coanimator, targets = _hidden_targets(app, make_user)
    member, other = make_user("member"), make_user("member")
    with app.app_context():
        resource = db.session.get(Resource, targets[0][1])
        resource.visibility = "members"
        follow(member, resource)
        db.session.commit()
        resource.visibility = "coanimators"  # restricted after the member followed it
        follow(coanimator, resource)
        db.session.commit()
        notify_followers("test.resource", resource)
        # Nor through a territory they follow, about an object they may not view.
        from network_space.accounts.models import Territory

        territory = Territory(name="CC du Trièves", sector="sud")
        db.session.add(territory)
        db.session.flush()
        follow(other, territory)
        notify_followers("test.resource", resource, followed=territory)
        db.session.commit()
        told = db.session.scalars(select(Notification.user_id).where(Notification.kind == "test.resource")).all()
        assert told == [coanimator.id]


def test_the_preferences_page_lists_what_a_member_follows_and_lets_them_stop(app, client, login_as, make_user):
    """The emails' footer sends members to their preferences to manage what they follow: every
    followed thing they may still see is there, under its kind, with a button to stop."""
    from network_space.accounts.models import Territory
    from tests.helpers import count_queries

    member = login_as("member")
    with app.app_context():
        trieves = Territory(name="CC du Trièves (test)", sector="sud")
        oisans = Territory(name="CC de l'Oisans (test)", sector="sud")
        db.session.add_all([trieves, oisans])
        db.session.flush()
        user = db.session.get(type(member), member.id)
        follow(user, trieves)
        follow(user, oisans)
        db.session.commit()
        trieves_id = trieves.id
    page = client.get("/notifications/settings").get_data(as_text=True)
    section = page[page.index('id="suivis"'):]
    assert "Ce que vous suivez" in page and "Territoires" in section
    # Its buttons reload the page: preferences changed and not saved are asked about first (site.js).
    assert 'data-warn-unsaved="Vos préférences modifiées ne sont pas encore enregistrées."' in page
    # By name, as a reader sorts: "de l'Oisans" before "du Trièves".
    assert section.index("CC de l&#39;Oisans (test)") < section.index("CC du Trièves (test)")
    response = client.post(f"/notifications/ne-plus-suivre/territory/{trieves_id}",
                           data={"csrf_token": csrf_token(page), "next": "/notifications/settings#suivis"})
    assert response.status_code == 302 and response.headers["Location"] == "/notifications/settings#suivis"
    page = client.get("/notifications/settings").get_data(as_text=True)
    assert "Vous ne suivez plus « CC du Trièves (test) »." in page
    section = page[page.index('id="suivis"'):]
    assert "CC du Trièves (test)" not in section and "CC de l&#39;Oisans (test)" in section
    # One query for the follows and one per kind followed, whatever their number.
    with count_queries(app) as queries:
        client.get("/notifications/settings")
    with app.app_context():
        for i in range(5):
            extra = Territory(name=f"Territoire {i} (test)", sector="nord")
            db.session.add(extra)
            db.session.flush()
            follow(db.session.get(type(member), member.id), extra)
        db.session.commit()
    with count_queries(app) as more:
        client.get("/notifications/settings")
    assert len(more.statements) == len(queries.statements)


def test_nothing_followed_says_where_to_follow(app, client, login_as):
    login_as("member")
    page = client.get("/notifications/settings").get_data(as_text=True)
    assert "Vous ne suivez rien pour l'instant." in html.unescape(page)
