"""Demo guests: the joint action with Nord-Isère Logement has three partners from the directory
invited by personal link (two registered, one on the waiting list, beside the members), the
social-landlords working group's date poll is answered by two partners, and the information
session for the companies that won Habitat Dauphinois's contract has its public registration page,
where a company the directory does not know yet registered (its organisation waits to be added).

Built on the models and the shared services (no email to the fictional addresses)."""
from __future__ import annotations

import secrets

from network_space.core.demo import DemoContext
from network_space.events.models import REG_REGISTERED, REG_WAITING, Registration
from network_space.events.services import registered_count
from network_space.extensions import db
from network_space.core.models import utcnow
from network_space.guests.models import SOURCE_PUBLIC, Guest, GuestLink, PublicRegistrationPage
from network_space.meetings import polls

JOINT_ACTION = "Action conjointe avec Nord-Isère Logement"
# An open information session: its organisers opened the public registration page.
PUBLIC_SESSION = "Information collective : entreprises attributaires"
PUBLIC_GUEST = ("Nadia Ferreira", "n.ferreira@giraud-batiment.example", "Giraud Bâtiment")
POLL_PARTNERS = (("Alpes Habitat Solidaire", ("yes", "yes", "no")), ("Habitat Dauphinois", ("maybe", "yes", "yes")))


def _guest_from(organisation) -> Guest | None:
    contact = next((c for c in organisation.contacts if c.email), None)
    if contact is None:
        return None
    guest = Guest(name=contact.name, email=contact.email, organisation=organisation, contact=contact)
    db.session.add(guest)
    return guest


def _link(guest: Guest, inviter, **target) -> GuestLink:
    link = GuestLink(guest=guest, nonce=secrets.token_hex(16), invited_by=inviter, **target)
    db.session.add(link)
    return link


def seed(demo: DemoContext) -> None:
    events = demo.data.get("events", [])
    organisations = {o.name.removesuffix(" (fictif)"): o for o in demo.data.get("organisations", [])}
    event = next((e for e in events if e.title.startswith(JOINT_ACTION)), None)
    if event is not None:
        inviter = event.organisers[0] if event.organisers else None
        taken = registered_count(event)
        # The landlord's room holds the members already registered and two partners: the third waits.
        event.capacity = taken + 2
        for partner in event.partners:
            guest = _guest_from(partner)
            if guest is None:
                continue
            _link(guest, inviter, event=event)
            db.session.flush()
            # The same rule as events.services.register: a place while there is one, then the list.
            full = event.capacity is not None and taken >= event.capacity
            db.session.add(Registration(event_id=event.id, guest_id=guest.id,
                                        status=REG_WAITING if full else REG_REGISTERED))
            taken += 0 if full else 1
    session = next((e for e in events if e.title.startswith(PUBLIC_SESSION)), None)
    if session is not None:
        db.session.add(PublicRegistrationPage(event_id=session.id, opened_at=utcnow(),
                                              opened_by_id=session.organisers[0].id if session.organisers else None))
    housing = demo.data.get("meetings", {}).get("housing")
    if housing is not None:
        inviter = housing.organisers[0] if housing.organisers else None
        for name, values in POLL_PARTNERS:
            organisation = organisations.get(name)
            guest = _guest_from(organisation) if organisation is not None else None
            if guest is None:
                continue
            _link(guest, inviter, meeting=housing)
            db.session.flush()
            polls.answer_poll(housing, None, dict(zip((s.id for s in housing.slots), values)), guest_id=guest.id)
    if session is not None:
        # A company registered on the public page with a name the directory does not know yet.
        guest = Guest(name=PUBLIC_GUEST[0], email=PUBLIC_GUEST[1], organisation_typed=PUBLIC_GUEST[2])
        db.session.add(guest)
        link = _link(guest, None, event=session)
        link.source, link.confirmed_at = SOURCE_PUBLIC, utcnow()
        db.session.flush()
        if session.capacity is None or registered_count(session) < session.capacity:
            db.session.add(Registration(event_id=session.id, guest_id=guest.id, status=REG_REGISTERED))
    db.session.flush()
