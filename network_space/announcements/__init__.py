"""Network announcements: co-animators write to everyone, a sector or chosen territories; each
member is notified through notify() (kind "announcement.published")."""
from __future__ import annotations

from network_space.core.i18n import lazy_gettext as _l


def init_app(app) -> None:
    from network_space.announcements import permissions, privacy, queries  # noqa: F401 - permissions: the rules
    from network_space.announcements.models import Announcement
    from network_space.announcements.views import bp
    from network_space.core.dashboard import dashboard_panel
    from network_space.core.navigation import add_nav_item
    from network_space.notifications.registry import register_kind, register_target

    register_target(Announcement, permission="member")
    register_kind("announcement.published", _l("Annonce du réseau"), "announcements",
                  email_template="notification_announcement")
    privacy.register()
    app.register_blueprint(bp)
    add_nav_item("announcements.index", _l("Annonces"), 80, prefix="/annonces")
    dashboard_panel("announcements", "announcements/_dashboard_panel.html", order=20)(queries.dashboard_panel)
