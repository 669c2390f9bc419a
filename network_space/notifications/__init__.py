"""Notifications: notify() (see services.py), the registry of kinds (registry.py), preferences,
follows, digests (digests.py), the in-app centre, the email admin pages (admin.py) and network
announcements. The outbox, the worker and the scheduled jobs they use are in core."""
from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l


def init_app(app) -> None:
    from network_space.accounts.models import Territory
    from network_space.core.navigation import add_nav_item
    from network_space.notifications import models, permissions, tasks  # noqa: F401
    from network_space.notifications.admin import bp as email_admin_bp
    from network_space.notifications.models import Announcement
    from network_space.notifications.registry import register_kind, register_target
    from network_space.notifications.views import announcements_bp, bp, init_templates

    register_target(Announcement)
    # Members follow a territory (its news: resources, events, partners tagged with it); its page
    # is the member directory filtered on it.
    register_target(Territory, title=lambda t: t.name,
                    url=lambda t: url_for("accounts.directory", territory=t.id))
    register_kind("announcement.published", _l("Annonce du réseau"), "announcements",
                  email_template="notification_announcement")
    # Security messages are sent by accounts with queue_email() directly; declared here so the
    # registry lists every kind of message a member can receive.
    register_kind("account.invitation", _l("Invitation à rejoindre le réseau"), "security", mandatory=True)
    register_kind("account.password_reset", _l("Réinitialisation du mot de passe"), "security", mandatory=True)

    app.register_blueprint(bp)
    app.register_blueprint(email_admin_bp)
    app.register_blueprint(announcements_bp)
    init_templates(app)
    add_nav_item("announcements.index", _l("Annonces"), 80, prefix="/annonces")
