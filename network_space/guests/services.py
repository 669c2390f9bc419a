"""Every write and rule about guests: inviting partners to an event or a meeting, their personal
links (signed, revocable, expiring after the event or meeting), what they do through them
(register through the events' own service, answer the poll through the meetings' own service),
the public registration page with email confirmation, erasure on the guest's request.

Writes flush; the view commits. Registering, unregistering and revoking commit, through
events.services.register / unregister, which take the event's lock and release it at once.
"""
from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, or_, select, update

from network_space.accounts.models import User
from network_space.core.audit import audit
from network_space.core.models import utcnow
from network_space.core.spreadsheet import normalise
from network_space.core.transactions import Refusal
from network_space.directory import services as directory
from network_space.directory.models import Organisation, OrganisationContact, OrganisationKind
from network_space.events import services as events
from network_space.events.models import Event, Registration
from network_space.extensions import db
from network_space.guests import notices
from network_space.guests.models import (ERASED_GUEST_NAME, SOURCE_INVITED, SOURCE_PUBLIC, Guest, GuestLink,
                                         PublicRegistrationPage)
from network_space.guests.tokens import make_token, read
from network_space.meetings import polls
from network_space.meetings.models import STATUS_CANCELLED, STATUS_POLL, Meeting, PollResponse

# A link keeps working a day after the event or meeting ends (the day's .ics, a last look).
LINK_GRACE = timedelta(days=1)


class GuestError(Refusal):
    """A guest action refused; str(error) is the French message."""


@dataclass
class GuestInput:
    name: str
    email: str
    organisation_id: int | None = None
    organisation_typed: str | None = None
    contact_id: int | None = None


# --- links -------------------------------------------------------------------------------------

LINK_UNKNOWN = "unknown"
LINK_REVOKED = "revoked"
LINK_EXPIRED = "expired"


def resolve(token: str) -> tuple[GuestLink | None, str | None]:
    """(the link, None) for a live link; (None or the link, why not) otherwise."""
    found = read(token)
    if found is None:
        return None, LINK_UNKNOWN
    link = db.session.get(GuestLink, found[0])
    if link is None:
        return None, LINK_UNKNOWN
    if not hmac.compare_digest(link.nonce, found[1]):
        # A revoked link got a new nonce: its old token is a revoked link, not a forged one.
        return link, LINK_REVOKED
    if link.revoked_at is not None:
        return link, LINK_REVOKED
    if is_expired(link):
        return link, LINK_EXPIRED
    return link, None


def ends_at(link: GuestLink):
    """When what the link opens is over (None: a meeting whose date is still being polled)."""
    if link.event_id is not None:
        return link.event.ends_at
    meeting = link.meeting
    if meeting.ends_at is None and meeting.status == STATUS_CANCELLED:
        return meeting.updated_at  # cancelled before its date was fixed
    return meeting.ends_at


def is_expired(link: GuestLink, now=None) -> bool:
    now = now or utcnow()
    end = ends_at(link)
    if end is not None and end + LINK_GRACE < now:
        return True
    if link.source == SOURCE_PUBLIC and link.confirmed_at is None:
        return link.created_at + timedelta(days=current_app.config["GUEST_UNCONFIRMED_DAYS"]) < now
    return False


def touch(link: GuestLink) -> None:
    link.last_used_at = utcnow()


# --- invitations -------------------------------------------------------------------------------

def _guest_for(person: GuestInput) -> Guest:
    """The guest with this address, made from what was typed if new. A known guest's identity is
    never changed by an invitation or a registration: anyone can type anyone's address on the
    public page, and an organiser's typo must not rename a partner other organisers know. What
    is still missing (an organisation, the directory contact) is filled in."""
    email = person.email.strip().lower()
    guest = db.session.scalar(select(Guest).where(func.lower(Guest.email) == email))
    if guest is None:
        guest = Guest(email=email, name=person.name.strip())
        db.session.add(guest)
    if guest.organisation_id is None and not guest.organisation_typed:
        if person.organisation_id:
            guest.organisation = db.session.get(Organisation, person.organisation_id)
        elif person.organisation_typed:
            guest.organisation_typed = person.organisation_typed.strip()
    if person.contact_id and guest.contact_id is None:
        guest.contact_id = person.contact_id
    return guest


def people_from_contacts(contact_ids: list[int]) -> list[GuestInput]:
    contacts = db.session.scalars(select(OrganisationContact).where(
        OrganisationContact.id.in_(contact_ids or [0]), OrganisationContact.email.is_not(None)))
    return [GuestInput(c.name, c.email, organisation_id=c.organisation_id, contact_id=c.id) for c in contacts]


def _check_target(target: Event | Meeting) -> None:
    if isinstance(target, Event):
        if target.is_cancelled or target.is_past:
            raise GuestError(_("On n'invite plus à un événement annulé ou passé."))
    elif target.status == STATUS_CANCELLED or target.is_past:
        raise GuestError(_("On n'invite plus à une réunion annulée ou passée."))


def invite(target: Event | Meeting, people: list[GuestInput], actor: User | None,
           source: str = SOURCE_INVITED) -> list[GuestLink]:
    """Invite each person (a new link, or a fresh one after a revocation) and queue their
    message; people already invited are left alone. Returns the new links."""
    if not people:
        raise GuestError(_("Choisissez au moins un contact ou saisissez une adresse."))
    _check_target(target)
    created = []
    for person in people:
        guest = _guest_for(person)
        db.session.flush()
        column = GuestLink.event_id if isinstance(target, Event) else GuestLink.meeting_id
        link = db.session.scalar(select(GuestLink).where(GuestLink.guest_id == guest.id, column == target.id))
        if link is not None and link.revoked_at is None:
            continue
        if link is None:
            link = GuestLink(guest=guest, source=source)
            if isinstance(target, Event):
                link.event = target
            else:
                link.meeting = target
            db.session.add(link)
        link.nonce = secrets.token_hex(16)
        link.revoked_at = None
        link.invited_by_id = getattr(actor, "id", None)
        link.link_sent_at = utcnow()
        db.session.flush()
        audit("guest.invite", target=link.target_key, detail=f"{guest.email} ({source})", actor=actor)
        notices.invitation(link, make_token(link))
        created.append(link)
    return created


def resend(link: GuestLink, actor: User) -> None:
    if link.revoked_at is not None:
        raise GuestError(_("Ce lien est révoqué : invitez à nouveau la personne."))
    audit("guest.resend", target=link.target_key, detail=link.guest.email, actor=actor)
    notices.invitation(link, make_token(link))


def revoke(link: GuestLink, actor: User) -> None:
    """Kill the link for good and give back the guest's place. Commits (events.unregister)."""
    if link.revoked_at is not None:
        return
    link.revoked_at = utcnow()
    link.nonce = secrets.token_hex(16)
    audit("guest.revoke", target=link.target_key, detail=link.guest.email, actor=actor)
    if link.event_id is not None and not link.event.is_past:
        events.unregister(link.event_id, guest_id=link.guest_id)


# --- what a guest does through the link -----------------------------------------------------

def register(link: GuestLink) -> Registration:
    """Take a place (or a waiting-list place) like a member, through the same locked service.
    Confirms a public registration's email address. Commits (events.register)."""
    if link.source == SOURCE_PUBLIC and link.confirmed_at is None:
        link.confirmed_at = utcnow()
    touch(link)
    audit("guest.register", target=link.target_key, detail=link.guest.email)
    return events.register(link.event_id, guest_id=link.guest_id)


def unregister(link: GuestLink) -> None:
    """Give the place back; whoever is promoted is told. Commits (events.unregister)."""
    touch(link)
    audit("guest.unregister", target=link.target_key, detail=link.guest.email)
    events.unregister(link.event_id, guest_id=link.guest_id)


def registration(link: GuestLink) -> Registration | None:
    return events.guest_registration(link.event, link.guest_id)


def answer_poll(link: GuestLink, answers: dict[int, str], comment: str | None) -> PollResponse:
    touch(link)
    audit("guest.poll", target=link.target_key, detail=link.guest.email)
    return polls.answer_poll(link.meeting, None, answers, comment, guest_id=link.guest_id)


def poll_response(link: GuestLink) -> PollResponse | None:
    return db.session.scalar(select(PollResponse).where(
        PollResponse.meeting_id == link.meeting_id, PollResponse.guest_id == link.guest_id))


def set_rsvp(link: GuestLink, value: str) -> None:
    if link.meeting is None or link.meeting.starts_at is None or link.meeting.status == STATUS_CANCELLED:
        raise GuestError(_("La date de cette réunion n'est pas encore fixée."))
    touch(link)
    link.rsvp = value
    audit("guest.rsvp", target=link.target_key, detail=f"{link.guest.email} : {value}")


# --- an organisation typed by hand, added to the directory ---------------------------------------

def add_typed_organisation(link: GuestLink, name: str, kind: OrganisationKind | None, with_contact: bool,
                           actor: User) -> tuple[Organisation, bool]:
    """Put the organisation the guest's inviter (or the guest) typed into the directory, through
    the directory's own service (its history, search index and followers' notices), and link to it
    the guest and every guest who typed the same name. An active organisation of that name already
    in the directory is linked instead of a duplicate. Returns (the organisation, whether it is new)."""
    guest = link.guest
    if not guest.organisation_typed:
        raise GuestError(_("L'organisation de cette personne est déjà dans l'annuaire."))
    name = (name or "").strip()
    # Names compared without case nor accents, in Python: SQLite's lower() leaves "È" as it is.
    same_name = next((id_ for id_, other in db.session.execute(
        select(Organisation.id, Organisation.name).where(Organisation.active.is_(True)))
        if normalise(other) == normalise(name)), None) if name else None
    existing = db.session.get(Organisation, same_name) if same_name else None
    if existing is None:
        contacts = [{"name": guest.name, "email": guest.email}] if with_contact else []
        organisation = directory.create_organisation({"name": name, "kind": kind, "contacts": contacts}, actor)
    else:
        organisation = existing
        if with_contact and not any((c.email or "").lower() == guest.email for c in existing.contacts):
            contacts = [{key: getattr(c, key) for key in directory.CONTACT_FIELDS} for c in existing.contacts]
            directory.update_organisation(existing, {"contacts": contacts + [{"name": guest.name, "email": guest.email}]},
                                          actor)
    db.session.flush()
    typed = normalise(guest.organisation_typed)
    for other in db.session.scalars(select(Guest).where(Guest.organisation_typed.is_not(None))):
        if normalise(other.organisation_typed) == typed:
            other.organisation, other.organisation_typed = organisation, None
    guest.contact = next((c for c in organisation.contacts if (c.email or "").lower() == guest.email), guest.contact)
    audit("guest.add_organisation", target=link.target_key,
          detail=f"{guest.email} : {organisation.name}" + ("" if existing is None else " (déjà dans l'annuaire)"),
          actor=actor)
    return organisation, existing is None


# --- public registration page ---------------------------------------------------------------

def public_page(event: Event) -> PublicRegistrationPage | None:
    return db.session.get(PublicRegistrationPage, event.id)


def set_public(event: Event, opened: bool, actor: User) -> None:
    page = public_page(event)
    if opened and page is None:
        db.session.add(PublicRegistrationPage(event_id=event.id, opened_by_id=actor.id, opened_at=utcnow()))
    elif not opened and page is not None:
        db.session.delete(page)
    audit("guest.public_page", target=f"event:{event.id}", detail="ouverte" if opened else "fermée", actor=actor)


# The public page sends an address already known its link again at most this often: anyone may
# type anyone's address there, as many times as the rate limit allows, from as many machines.
PUBLIC_RESEND_INTERVAL = timedelta(minutes=15)


def register_publicly(event: Event, person: GuestInput) -> GuestLink | None:
    """Someone registers on the public page: they get a link by email, and take a place only
    when they confirm through it (double opt-in). An address already invited gets its link again
    (once per PUBLIC_RESEND_INTERVAL), told it is registered already when it confirmed. The page
    says the same whatever happened: it never tells who is registered."""
    reason = events.registration_closed_reason(event)
    if reason:
        raise GuestError(reason)
    guest = _guest_for(person)
    db.session.flush()
    link = db.session.scalar(select(GuestLink).where(GuestLink.guest_id == guest.id, GuestLink.event_id == event.id))
    if link is None:
        return invite(event, [person], None, source=SOURCE_PUBLIC)[0]
    if link.revoked_at is not None:
        return None  # revoked by the organisers: nothing is said, nothing is sent
    if not _claim_resend(link):
        audit("guest.public_throttled", target=link.target_key, detail=guest.email)
        return link
    if link.confirmed_at is not None:
        notices.already_registered(link, make_token(link))
    else:
        notices.invitation(link, make_token(link))
    return link


def _claim_resend(link: GuestLink) -> bool:
    """Whether the link may be emailed again now; one conditional UPDATE decides, so that two
    requests at once (two servers) cannot both send it."""
    now = utcnow()
    claimed = db.session.execute(
        update(GuestLink).where(GuestLink.id == link.id, or_(GuestLink.link_sent_at.is_(None),
                                                             GuestLink.link_sent_at <= now - PUBLIC_RESEND_INTERVAL))
        .values(link_sent_at=now).execution_options(synchronize_session=False))
    return claimed.rowcount == 1


# --- personal data: erasure on the guest's request (retention: privacy.py) ------------------

def forget(guest: Guest) -> None:
    """Erase a guest on their own request: places at coming events are given back (which
    commits, through events.unregister), answers to open polls removed, then the person erased
    (delete_guest); past registrations, answers and minutes' attendance stay, anonymous."""
    email = guest.email
    for link in list(guest.links):
        if link.event_id is not None and not link.event.is_past:
            events.unregister(link.event_id, guest_id=guest.id)
    db.session.execute(delete(PollResponse).where(
        PollResponse.guest_id == guest.id,
        PollResponse.meeting_id.in_(select(Meeting.id).where(Meeting.status == STATUS_POLL))))
    audit("guest.forget", target=f"guest:{guest.id}", detail=email)
    delete_guest(guest)


def delete_guest(guest: Guest) -> None:
    """Erase the person: their places and answers stay, anonymous. A guest the attendance of a held
    meeting lists stays in it as "Invité·e (données effacées)" with the attendance recorded or
    announced (the minutes keep their count, like a member's erased account): that row keeps only
    its id; its links that nothing needs, or the person when nothing needs them, are deleted.
    Done here, not by the foreign keys' ON DELETE, which SQLite does not apply without its pragma."""
    for model in (Registration, PollResponse):
        db.session.execute(update(model).where(model.guest_id == guest.id).values(guest_id=None))
    kept = [link for link in guest.links if _in_held_minutes(link)]
    for link in guest.links:
        if link not in kept:
            db.session.delete(link)
    if not kept:
        db.session.delete(guest)
        db.session.flush()
        return
    now = utcnow()
    for link in kept:
        link.attendance = link.attendance_or_expected
        link.rsvp = link.last_used_at = link.invited_by_id = None
        link.revoked_at = link.revoked_at or now
        link.nonce = secrets.token_hex(16)  # the emailed links open nothing any more
    guest.name = str(ERASED_GUEST_NAME)
    guest.email = f"invite-efface-{guest.id}@anonyme.invalid"
    guest.organisation_id = guest.contact_id = guest.organisation_typed = None
    guest.erased_at = now
    db.session.flush()


def _in_held_minutes(link: GuestLink) -> bool:
    """Whether the attendance of a meeting that took place lists the link's guest (the rule of
    queries.minutes_attendees): a live invitation, or a revoked one with its attendance recorded."""
    meeting = link.meeting
    if meeting is None or meeting.status == STATUS_CANCELLED or meeting.starts_at is None:
        return False
    return meeting.starts_at <= utcnow() and (link.revoked_at is None or link.attendance is not None)
