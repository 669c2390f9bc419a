"""The notification centre: bell count, list grouped by day, links, deleted targets, mark read,
pagination, bounded queries, retention; the settings page."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from network_space.announcements.models import Announcement
from network_space.core.models import utcnow
from network_space.extensions import db
from network_space.notifications.models import Notification, NotificationPreference
from network_space.notifications.services import notify
from tests.helpers import count_queries, csrf_token


def _notify(app, user, target_id=None, n=1, **context):
    with app.app_context():
        target = db.session.get(Announcement, target_id) if target_id else None
        for i in range(n):
            if target is None:
                notify("test.meeting", [user], title=context.get("title", f"Élément {i}"), url="/annonces/")
            else:
                notify("test.meeting", [user], target)
        db.session.commit()


def test_bell_shows_unread_count_on_every_page(app, client, login_as):
    user = login_as("member")
    html = client.get("/").get_data(as_text=True)
    assert 'class="bell"' in html and 'class="badge"' not in html
    _notify(app, user, n=1)
    html = client.get("/").get_data(as_text=True)
    assert '<span class="badge">1<span class="visually-hidden"> non lue</span>' in html
    _notify(app, user, n=2)
    html = client.get("/").get_data(as_text=True)
    assert '<span class="badge">3<span class="visually-hidden"> non lues</span>' in html


def test_list_grouped_by_day_with_links_and_deleted_targets(app, client, login_as, announcement):
    user = login_as("member")
    kept, gone = announcement("Plénière de mars"), announcement("Atelier supprimé")
    _notify(app, user, kept)
    _notify(app, user, gone)
    with app.app_context():
        # An older one, two days ago, in the list under its French date.
        old = db.session.scalars(select(Notification).order_by(Notification.id)).first()
        db.session.add(Notification(user_id=user.id, kind="test.meeting", category="meetings", channel="site",
                                    title="Ancienne", url="/annonces/", context_json="{}",
                                    created_at=utcnow() - timedelta(days=3)))
        db.session.delete(db.session.get(Announcement, gone))
        db.session.commit()
        old_id = old.id
    html = client.get("/notifications/").get_data(as_text=True)
    assert "Aujourd&#39;hui" in html or "Aujourd'hui" in html
    assert html.index("Plénière de mars") < html.index("Ancienne")
    assert f'href="/notifications/{old_id}"' in html
    assert "Atelier supprimé" in html and "Cet élément n&#39;existe plus" in html.replace("'", "&#39;")
    months = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
              "octobre", "novembre", "décembre")
    assert any(month in html for month in months)

    # Opening a notification marks it read and goes to the object; a deleted one never 500s.
    response = client.get(f"/notifications/{old_id}")
    assert response.status_code == 302 and response.headers["Location"] == f"/annonces/{kept}"
    gone_id = old_id + 1
    response = client.get(f"/notifications/{gone_id}", follow_redirects=True)
    assert response.status_code == 200 and "Cet élément n" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Notification, old_id).read_at is not None


def test_deleted_targets_of_every_type_found_in_one_statement(app, make_user, announcement):
    """A page of notifications pointing at several types of objects: the ones whose object is
    gone are found with one statement, by type and id together (an announcement and an event
    kind may share an id; one deleted, the other not)."""
    from network_space.events.models import EventKind
    from network_space.notifications.queries import missing_targets

    user = make_user("member")
    kept = announcement("Gardée")
    with app.app_context():
        kind_id = db.session.scalars(select(EventKind.id).order_by(EventKind.id)).first()
        shared = max(kind_id, kept) + 1000
        kind = db.session.get(EventKind, kind_id)
        db.session.add(EventKind(id=shared, code="partage", label="Partagé", position=99))
        pointing = {
            "announcement kept": ("announcement", kept),
            "announcement gone": ("announcement", shared),
            "kind kept": ("event_kind", shared),
            "kind gone": ("event_kind", shared + 1),
            "type no longer known": ("vanished_type", kind.id),
            "no target": (None, None),
        }
        made = {}
        for label, (target_type, target_id) in pointing.items():
            made[label] = Notification(user_id=user.id, kind="test.meeting", category="meetings", channel="site",
                                       title=label, target_type=target_type, target_id=target_id, context_json="{}")
            db.session.add(made[label])
        db.session.commit()
        notifications = list(made.values())
        for n in notifications:
            db.session.refresh(n)  # loaded as a page of the list has them
        with count_queries(app) as counter:
            missing = missing_targets(notifications)
        assert {n.title for n in notifications if n.id in missing} == {
            "announcement gone", "kind gone", "type no longer known"}
        assert len(counter.statements) == 1, counter.statements
        assert missing_targets([made["announcement kept"]]) == set()


def test_mark_one_and_all_read(app, client, login_as, make_user):
    user = login_as("member")
    other = make_user()
    _notify(app, user, n=3)
    _notify(app, other, n=1)
    html = client.get("/notifications/").get_data(as_text=True)
    with app.app_context():
        first, *_ = db.session.scalars(select(Notification.id).where(Notification.user_id == user.id))
        others = db.session.scalar(select(Notification.id).where(Notification.user_id == other.id))
    token = csrf_token(html)
    assert client.post(f"/notifications/{first}/lu", data={"csrf_token": token}).status_code == 302
    assert client.post(f"/notifications/{others}/lu", data={"csrf_token": token}).status_code == 404
    assert client.post(f"/notifications/{first}/lu").status_code == 400  # no CSRF token
    with app.app_context():
        assert db.session.get(Notification, first).read_at is not None
        assert db.session.get(Notification, others).read_at is None
    response = client.post("/notifications/tout-lu", data={"csrf_token": token}, follow_redirects=True)
    assert "Toutes les notifications sont marquées comme lues" in response.get_data(as_text=True)
    with app.app_context():
        unread = db.session.scalar(select(db.func.count(Notification.id)).where(Notification.read_at.is_(None)))
        assert unread == 1  # only the other member's


def test_list_page_runs_a_bounded_number_of_queries(app, client, login_as, announcement):
    user = login_as("member")
    targets = [announcement(f"Annonce {i}") for i in range(3)]
    for target in targets:
        _notify(app, user, target)
    client.get("/notifications/")
    with count_queries(app) as few:
        assert client.get("/notifications/").status_code == 200
    for i in range(20):
        _notify(app, user, announcement(f"Autre {i}"))
    _notify(app, user, n=10)
    with count_queries(app) as many:
        html = client.get("/notifications/").get_data(as_text=True)
    assert "Autre 19" in html
    assert many.count == few.count, many
    assert many.count <= 6, many


def test_pagination_and_hostile_page_numbers(app, client, login_as):
    user = login_as("member")
    _notify(app, user, n=35)
    page1 = client.get("/notifications/").get_data(as_text=True)
    assert "Page 1 sur 2" in page1
    page2 = client.get("/notifications/?page=2").get_data(as_text=True)
    assert "Élément 0</" in page2 and "Élément 0</" not in page1
    for bad in ("abc", "-1", "99999999999999999999", "2.5"):
        assert client.get(f"/notifications/?page={bad}").status_code == 200


def test_anonymous_is_sent_to_login(client):
    assert "/login" in client.get("/notifications/").headers["Location"]
    assert "/login" in client.get("/notifications/settings").headers["Location"]


def test_retention_purges_old_read_items_only(app, ctx, make_user):
    user = make_user()
    old = utcnow() - timedelta(days=app.config["NOTIFICATION_RETENTION_DAYS"] + 1)
    for title, created, read in (("old read", old, old), ("old unread", old, None), ("recent read", utcnow(), utcnow())):
        db.session.add(Notification(user_id=user.id, kind="test.meeting", category="meetings", channel="site",
                                    title=title, context_json="{}", created_at=created, read_at=read))
    db.session.commit()
    from network_space.core.privacy import apply_retention

    assert apply_retention()["NOTIFICATION_RETENTION_DAYS"] == 1
    assert sorted(db.session.scalars(select(Notification.title))) == ["old unread", "recent read"]


def test_settings_page_lists_every_category_and_saves(app, client, login_as):
    user = login_as("member")
    html = client.get("/notifications/settings").get_data(as_text=True)
    for label in ("Réunions", "Sondages de dates", "Comptes-rendus", "Actions à faire", "Événements",
                  "Bibliothèque", "Annuaire", "Annonces du réseau", "Sécurité du compte", "Bilan départemental", "Discussions"):
        assert label in html
    assert 'id="pref-library-weekly" name="library" value="weekly" checked' in html
    assert '<label for="pref-library-weekly">' in html
    data = {"csrf_token": csrf_token(html), "meetings": "immediate", "polls": "immediate", "minutes": "daily",
            "actions": "immediate", "events": "daily", "library": "none", "directory": "site",
            "announcements": "weekly", "reports": "immediate", "discussions": "immediate"}
    response = client.post("/notifications/settings", data=data, follow_redirects=True)
    assert "Vos préférences de notification sont enregistrées" in response.get_data(as_text=True)
    with app.app_context():
        stored = dict(db.session.execute(select(NotificationPreference.category, NotificationPreference.channel)
                                         .where(NotificationPreference.user_id == user.id)).all())
    assert stored == {"library": "none", "directory": "site", "announcements": "weekly"}

    data["library"] = "carrier-pigeon"
    response = client.post("/notifications/settings", data=data)
    assert response.status_code == 400
    assert "Choisissez une option pour « Bibliothèque »" in response.get_data(as_text=True)
