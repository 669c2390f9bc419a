"""Events calendar: joint actions with buyers and partners, registrations with a waiting list,
iCalendar files and personal subscription feeds, reminders."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l


def init_app(app) -> None:
    from network_space.core.navigation import add_nav_item
    from network_space.events import models, permissions  # noqa: F401
    from network_space.events.views import bp

    app.register_blueprint(bp)
    add_nav_item("events.calendar", _l("Agenda"), order=50, prefix="/events")
