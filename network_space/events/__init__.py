"""Events calendar: joint actions with buyers and partners, registrations with a waiting list,
iCalendar files and personal subscription feeds, reminders."""
from __future__ import annotations

from network_space.core.i18n import lazy_gettext as _l


def init_app(app) -> None:
    from network_space.accounts.welcome import welcome_step
    from network_space.core.dashboard import dashboard_panel
    from network_space.core.audit import register_audit_actions
    from network_space.core.navigation import add_nav_item
    from network_space.core.backlinks import backlink_provider
    from network_space.directory.models import Organisation
    from network_space.events import models, notices, permissions, privacy, queries, search  # noqa: F401 - notices: the reminder job
    from network_space.events.views import bp, feeds, kinds  # noqa: F401 - feeds, kinds: their routes
    from network_space.notifications.registry import register_kind, register_target

    app.register_blueprint(bp)
    add_nav_item("events.calendar", _l("Agenda"), order=50, prefix="/events")
    register_target(models.Event, permission="events.view")
    register_target(models.EventKind, permission="events.view", followed_as=_l("Types d'événements"))
    register_kind("event.created", _l("Nouvel événement"), "events", email_template="event_created")
    # Registrants hold a place others may need: a change, a cancellation, a place freed for them or
    # an organiser's change to their registration is emailed whatever their preference for events
    # (as meetings do for those who said they would come); reminders follow it and are emailed at
    # once unless they chose otherwise.
    for name, label in (("event.changed", _l("Événement modifié (vous êtes inscrit·e ou en attente)")),
                        ("event.cancelled", _l("Événement annulé (vous êtes inscrit·e ou en attente)")),
                        ("event.promoted", _l("Place obtenue (liste d'attente)")),
                        ("event.registered", _l("Inscription par un organisateur")),
                        ("event.removed", _l("Inscription retirée par un organisateur"))):
        register_kind(name, label, "events", email_template=name.replace(".", "_"), mandatory=True)
    register_kind("event.reminder", _l("Rappel d'événement"), "events", email_template="event_reminder",
                  default_channel="immediate")
    # Events appear on the pages of their partner organisations in the directory.
    backlink_provider("events", Organisation, order=20)(queries.partner_backlinks)
    search.register()
    register_audit_actions({
        "event.create": _l("Événement créé"), "event.update": _l("Événement modifié"),
        "event.cancel": _l("Événement annulé"), "event.email": _l("Message aux inscrits d'un événement"),
        "event.registration_add": _l("Membre inscrit par un organisateur"),
        "event.registration_remove": _l("Inscription retirée par un organisateur"),
        "event.attendance": _l("Présences à un événement notées"),
        "events.kind_add": _l("Type d'événement ajouté"), "events.kind_rename": _l("Type d'événement renommé"),
        "events.kind_delete": _l("Type d'événement supprimé"),
        "calendar_feed.new": _l("Adresse d'abonnement à l'agenda créée"),
        "calendar_feed.revoke": _l("Adresse d'abonnement à l'agenda supprimée"),
    })
    privacy.register()
    welcome_step("event_kinds", order=20, ask=queries.follows_kinds)(queries.follow_kinds_step)
    welcome_step("calendar", order=30, ask=queries.calendar_read)(queries.calendar_step)
    dashboard_panel("events_upcoming", "events/_panel_upcoming.html", order=25)(queries.upcoming_panel)
