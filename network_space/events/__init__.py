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
    register_target(models.EventKind)
    register_kind("event.created", _l("Nouvel événement"), "events", email_template="event_created")
    # What registrants need to act on is emailed at once unless they chose otherwise.
    for name, label in (("event.changed", _l("Événement modifié")), ("event.cancelled", _l("Événement annulé")),
                        ("event.promoted", _l("Place obtenue (liste d'attente)")),
                        ("event.reminder", _l("Rappel d'événement"))):
        register_kind(name, label, "events", email_template=name.replace(".", "_"), default_channel="immediate")
    _register_backlinks()

    from network_space.events import search

    search.register()

    from network_space.core.dashboard import dashboard_panel

    dashboard_panel("events_upcoming", "events/_panel_upcoming.html", order=25)(_upcoming_panel)


def _upcoming_panel(user):
    """The next five events, the member's registrations flagged; hidden when nothing is planned."""
    from sqlalchemy import select

    from network_space.core.permissions import can
    from network_space.events.models import Registration
    from network_space.events.queries import Filters, upcoming_query
    from network_space.extensions import db

    if not can("events.view", None, user):
        return None
    events = list(db.session.scalars(upcoming_query(Filters()).limit(5)))
    if not events:
        return None
    mine = set(db.session.scalars(select(Registration.event_id).where(
        Registration.user_id == user.id, Registration.event_id.in_([e.id for e in events]))))
    return {"events": events, "mine": mine}


def _register_backlinks() -> None:
    """Events appear on the pages of their partner organisations in the directory."""
    from flask import url_for
    from flask_babel import gettext as _
    from sqlalchemy import select

    from network_space.core.permissions import can
    from network_space.core.backlinks import Backlink, backlink_provider
    from network_space.directory.models import Organisation
    from network_space.events.models import Event, event_partner
    from network_space.extensions import db

    @backlink_provider("events", Organisation, order=20)
    def events_with(organisation, user) -> list[Backlink]:
        if not can("events.view", None, user):
            return []
        events = db.session.scalars(
            select(Event).join(event_partner, event_partner.c.event_id == Event.id)
            .where(event_partner.c.organisation_id == organisation.id).order_by(Event.starts_at.desc()).limit(50)
        )
        return [Backlink(_("Événement"), event.title, url_for("events.detail", event_id=event.id), event.starts_at)
                for event in events]
