"""Notifications and email: the outbox, the worker, notify() (see services.py), the registry of
kinds (registry.py), reminders (scheduler.py), digests (digests.py) and network announcements."""
from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l


def init_app(app) -> None:
    from network_space.accounts.models import Territory
    from network_space.core.navigation import add_nav_item
    from network_space.notifications import models, outbox, permissions, tasks  # noqa: F401
    from network_space.notifications.models import Announcement
    from network_space.notifications.registry import register_kind, register_target
    from network_space.notifications.views import announcements_bp, bp, init_templates
    from network_space.notifications.mail_ingest import mail_ingest_command
    from network_space.notifications.worker import worker_command

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
    register_kind("inbound.notice", _l("Réponse par email refusée ou publiée sans pièces jointes"), "security",
                  mandatory=True)

    app.register_blueprint(bp)
    app.register_blueprint(announcements_bp)
    init_templates(app)
    add_nav_item("announcements.index", _l("Annonces"), 80, prefix="/annonces")
    app.cli.add_command(worker_command)
    app.cli.add_command(mail_ingest_command)
