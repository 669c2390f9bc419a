"""Events calendar: joint actions with buyers and partners, registrations with a waiting list,
iCalendar files and personal subscription feeds, reminders."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l


def init_app(app) -> None:
    from network_space.core.navigation import add_nav_item
    from network_space.events import models, permissions  # noqa: F401
    from network_space.events.views import bp
    from network_space.notifications.registry import register_kind, register_target

    app.register_blueprint(bp)
    add_nav_item("events.calendar", _l("Agenda"), order=50, prefix="/events")

    from network_space.events import notices  # noqa: F401 - the reminder job handler

    register_target(models.Event)
    register_kind("event.created", _l("Nouvel événement"), "events", email_template="event_created")
    # What registrants need to act on is emailed at once unless they chose otherwise.
    for name, label in (("event.changed", _l("Événement modifié")), ("event.cancelled", _l("Événement annulé")),
                        ("event.promoted", _l("Place obtenue (liste d'attente)")),
                        ("event.reminder", _l("Rappel d'événement"))):
        register_kind(name, label, "events", email_template=name.replace(".", "_"), default_channel="immediate")
