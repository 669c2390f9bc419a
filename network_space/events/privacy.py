"""What events keep about members (registrations, the calendar feed, events they organise):
export, erasure, declared to core/privacy.py."""
from __future__ import annotations

from sqlalchemy import delete, select

from network_space.core.i18n import lazy_gettext as _l
from network_space.core.models import utcnow
from network_space.core.privacy import BASIS_PUBLIC_TASK, register_personal_data
from network_space.events import notices
from network_space.events.models import (
    FEED_SCOPES, REG_REGISTERED, REG_WAITING, STATUS_CANCELLED, CalendarFeed, Event, Registration, event_organiser,
)
from network_space.events.services import _fill_from_waiting_list
from network_space.extensions import db


def export_events(user) -> dict:
    registrations = db.session.scalars(
        select(Registration).where(Registration.user_id == user.id).order_by(Registration.id))
    organised = db.session.scalars(
        select(Event).join(event_organiser).where(event_organiser.c.user_id == user.id).order_by(Event.id))
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))
    return {
        "inscriptions": [
            {"evenement": r.event.title, "debut": r.event.starts_at, "inscrit_le": r.created_at,
             "liste_d_attente": r.status == REG_WAITING, "place_obtenue_le": r.promoted_at, "venu": r.attended}
            for r in registrations
        ],
        "evenements_organises": [{"evenement": e.title, "debut": e.starts_at} for e in organised],
        "abonnement_agenda": None if feed is None else {
            "contenu": str(FEED_SCOPES.get(feed.scope, feed.scope)), "cree_le": feed.created_at,
            "derniere_utilisation": feed.last_used_at,
        },
    }


def erase_events(user) -> None:
    """The calendar feed address stops working; registrations to events still to come are
    withdrawn (the waiting list moves up, as when a member unregisters); past ones stay in the
    attendance, under "Ancien membre"."""
    db.session.execute(delete(CalendarFeed).where(CalendarFeed.user_id == user.id))
    upcoming = select(Event.id).where(Event.starts_at > utcnow(), Event.status != STATUS_CANCELLED)
    db.session.execute(delete(event_organiser).where(event_organiser.c.user_id == user.id,
                                                     event_organiser.c.event_id.in_(upcoming)))
    registrations = db.session.scalars(select(Registration).where(
        Registration.user_id == user.id, Registration.event_id.in_(upcoming)).order_by(Registration.event_id))
    for registration in list(registrations):
        # The event's lock, as for an unregistration (PostgreSQL; SQLite's first write above
        # already holds the database's).
        event = db.session.scalar(select(Event).where(Event.id == registration.event_id).with_for_update(of=Event))
        was_registered = registration.status == REG_REGISTERED
        db.session.delete(registration)
        db.session.flush()
        if was_registered:
            for promoted in _fill_from_waiting_list(event):
                notices.promoted(promoted)


def register() -> None:
    register_personal_data(
        "evenements", _l("Agenda et inscriptions aux événements"), order=60,
        data=_l("Inscriptions aux événements et place en liste d'attente, événements organisés, abonnement "
                "à l'agenda (adresse secrète, dont seule une empreinte est conservée)."),
        purpose=_l("Organiser les événements et actions conjointes du réseau, gérer les places."),
        legal_basis=(BASIS_PUBLIC_TASK,),
        kept=_l("Tant que l'événement est utile à la mémoire du réseau ; à l'effacement d'un compte, ses "
                "inscriptions à venir sont retirées (la liste d'attente avance) et les passées restent sous le "
                "nom « Ancien membre »."),
        export=export_events, erase=erase_events,
    )
