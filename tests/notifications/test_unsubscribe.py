"""One-click unsubscribe (RFC 8058): the signed link from a real email works without login or
CSRF token and turns that category off; a forged or altered token is refused in French."""
from __future__ import annotations

from sqlalchemy import select

from network_space.announcements.models import Announcement
from network_space.core.outbox import deliver_pending
from network_space.extensions import db
from network_space.notifications.models import NotificationPreference
from network_space.notifications.services import (
    get_preferences,
    notify,
    set_preference,
    unsubscribe_token,
)


def _emailed_unsubscribe_path(app, smtp, user, announcement):
    with app.app_context():
        notify("test.resource", [user], db.session.get(Announcement, announcement()))
        set_preference(user, "library", "immediate")
        db.session.commit()
        notify("test.resource", [user], db.session.get(Announcement, announcement("Guide")))
        db.session.commit()
        deliver_pending()
    [message] = smtp.to(user.email)
    url = message["List-Unsubscribe"].strip("<>")
    assert url.startswith("http://localhost/notifications/unsubscribe/")
    return url.removeprefix("http://localhost")


def _preferences(app, user):
    with app.app_context():
        return get_preferences(user)


def test_one_click_post_from_the_email_header_without_login_or_csrf(app, client, smtp, make_user, announcement):
    user = make_user()
    path = _emailed_unsubscribe_path(app, smtp, user, announcement)
    response = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "Vous ne recevrez plus de notifications « Bibliothèque »" in response.get_data(as_text=True)
    assert _preferences(app, user)["library"] == "none"
    assert _preferences(app, user)["meetings"] == "immediate"  # other categories untouched


def test_get_asks_for_confirmation_and_changes_nothing(app, client, smtp, make_user, announcement):
    user = make_user()
    path = _emailed_unsubscribe_path(app, smtp, user, announcement)
    html = client.get(path).get_data(as_text=True)
    assert "Ne plus recevoir les notifications « Bibliothèque »" in html and user.email in html
    assert f'action="{path}"' in html
    assert _preferences(app, user)["library"] == "immediate"


def test_forged_or_altered_tokens_are_refused(app, client, make_user):
    user = make_user()
    with app.app_context():
        good = unsubscribe_token(user.id, "meetings")
        security = unsubscribe_token(user.id, "security")
    from itsdangerous import URLSafeSerializer

    forged = URLSafeSerializer("not-the-secret", salt="notifications-unsubscribe").dumps({"u": user.id, "s": "meetings"})
    for token in (forged, good[:-2] + ("AA" if not good.endswith("AA") else "BB"), "nimportequoi", security):
        for method in (client.get, client.post):
            response = method(f"/notifications/unsubscribe/{token}")
            assert response.status_code == 400
            assert "Lien de désabonnement invalide" in response.get_data(as_text=True)
    assert _preferences(app, user)["meetings"] == "immediate"
    with app.app_context():
        assert db.session.scalars(select(NotificationPreference)).all() == []


def test_digest_unsubscribe_moves_digest_categories_to_site_only(app, client, make_user):
    user = make_user()
    with app.app_context():
        set_preference(user, "meetings", "daily")
        db.session.commit()
        token = unsubscribe_token(user.id, "digest:daily")
    response = client.post(f"/notifications/unsubscribe/{token}")
    assert "Vous ne recevrez plus le « Résumé quotidien » par email" in response.get_data(as_text=True)
    prefs = _preferences(app, user)
    assert prefs["meetings"] == "site" and prefs["minutes"] == "site" and prefs["events"] == "site"
    assert prefs["library"] == "weekly"
