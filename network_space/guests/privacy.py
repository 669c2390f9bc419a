"""What the guests domain keeps about people who have no account (partners invited by a personal
link, people registered on a public page), declared to core/privacy.py: the "Données
personnelles" page lists it, and the worker's retention task purges it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from network_space.core.audit import audit
from network_space.core.i18n import lazy_gettext as _l
from network_space.core.privacy import BASIS_PUBLIC_TASK, UNIT_MONTHS, Retention, register_personal_data
from network_space.extensions import db
from network_space.guests.models import SOURCE_PUBLIC, Guest, GuestLink
from network_space.guests.services import delete_guest, ends_at


def purge_guests(cutoff: datetime) -> int:
    """Erase the guests whose every invitation ended before ``cutoff``: their places and poll
    answers stay, anonymous, so the events' and polls' figures do not change, and so does the
    attendance of the minutes that list them (services.delete_guest). Each is erased once."""
    deleted = 0
    guests = select(Guest).where(Guest.erased_at.is_(None)).options(selectinload(Guest.links).selectinload(GuestLink.event),
                                   selectinload(Guest.links).selectinload(GuestLink.meeting))
    for guest in db.session.scalars(guests):
        ends = [ends_at(link) for link in guest.links]
        if not ends and guest.created_at >= cutoff:
            continue
        if all(end is not None and end < cutoff for end in ends):
            audit("guest.purge", target=f"guest:{guest.id}")
            delete_guest(guest)
            deleted += 1
    db.session.flush()
    return deleted


def purge_unconfirmed(cutoff: datetime) -> int:
    """Drop public registrations whose address was not confirmed before ``cutoff`` (they never
    held a place), and the people left without any invitation."""
    links = list(db.session.scalars(select(GuestLink).where(
        GuestLink.source == SOURCE_PUBLIC, GuestLink.confirmed_at.is_(None), GuestLink.created_at < cutoff)))
    for link in links:
        guest = link.guest
        audit("guest.purge_unconfirmed", target=link.target_key)
        db.session.delete(link)
        db.session.flush()
        if not guest.links:
            delete_guest(guest)
    db.session.flush()
    return len(links)


def register() -> None:
    register_personal_data(
        "invites", _l("Invités sans compte (partenaires)"), order=65,
        data=_l("Nom, adresse email et organisation des partenaires invités à un événement ou à une réunion par un "
                "lien personnel, ou inscrits sur une page d'inscription publique ; leur inscription, leurs "
                "disponibilités et leur réponse ; les actions faites par leur lien (journal d'audit)."),
        purpose=_l("Permettre aux partenaires du réseau (donneurs d'ordre, bailleurs, structures du handicap et de "
                   "l'insertion) de s'inscrire et de répondre sans compte, et les tenir informés des changements."),
        legal_basis=(BASIS_PUBLIC_TASK,),
        kept=_l("Jusqu'à la durée ci-dessous après l'événement ou la réunion ; l'invité·e peut les effacer "
                "à tout moment par le lien de chaque email. Ses inscriptions et réponses restent comptées, sans nom, "
                "et sa présence au compte rendu d'une réunion tenue reste, au nom de « Invité·e (données effacées) »."),
        retentions=(
            Retention(_l("Invités, après l'événement ou la réunion"), "GUEST_RETENTION_MONTHS", purge_guests,
                      unit=UNIT_MONTHS),
            Retention(_l("Inscriptions publiques non confirmées"), "GUEST_UNCONFIRMED_DAYS", purge_unconfirmed),
        ),
    )
