"""Following any registered target, from the include on any page, and notify_followers()."""
from __future__ import annotations

from flask import render_template_string
from sqlalchemy import select

from network_space.announcements.models import Announcement
from network_space.extensions import db
from network_space.notifications.models import Follow, Notification
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


def test_following_needs_the_targets_permission(app, client, login_as, announcement):
    from network_space.notifications.registry import register_target

    register_target(Announcement, permission="coanimator")
    try:
        login_as("member")
        target_id = announcement()
        token = csrf_token(client.get("/notifications/").get_data(as_text=True))
        assert client.post(f"/notifications/suivre/announcement/{target_id}", data={"csrf_token": token}).status_code == 403
    finally:
        register_target(Announcement)
    with app.app_context():
        assert db.session.scalars(select(Follow)).all() == []
