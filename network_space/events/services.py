"""Every write and rule about events: creation, changes, cancellation, registrations with a
waiting list, emails to registrants, the kinds and territories a member follows. Calendar feeds
are feeds.py, the kinds' administration kinds.py.

Writes flush; the view commits (core/transactions.py). Registrations never exceed capacity, even
when two members take the last place at the same moment: ``register``, ``unregister`` and
capacity changes run in a transaction that first locks the event (``SELECT … FOR UPDATE`` on
PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite, which takes the database's write lock before anything
is read), then count. ``register``, ``unregister`` and ``remove_registration`` commit
themselves, to release the lock at once; ``update_event`` keeps it until the view commits.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from network_space.accounts.models import Territory, User
from network_space.core.audit import audit
from network_space.core.i18n import lazy_gettext as _l
from network_space.core.models import utcnow
from network_space.core.outbox import queue_email
from network_space.core.transactions import Refusal
from network_space.directory.models import Organisation
from network_space.library.models import Resource
from network_space.events.models import (
    REG_REGISTERED,
    REG_WAITING,
    STATUS_CANCELLED,
    STATUS_PLANNED,
    Event,
    EventKind,
    Registration,
)
from network_space.events import notices
from network_space.extensions import db
from network_space.notifications.services import follow, followed_ids, unfollow


class RegistrationError(Refusal):
    """Registration refused; str(error) is the French message for the member."""


@dataclass
class EventInput:
    title: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    all_day: bool = False
    description: str | None = None
    place: str | None = None
    online_url: str | None = None
    territory_id: int | None = None
    capacity: int | None = None
    registration_deadline: datetime | None = None
    organiser_ids: list[int] = field(default_factory=list)
    partner_ids: list[int] = field(default_factory=list)
    resource_ids: list[int] = field(default_factory=list)


# Fields whose change makes registrants' calendars out of date.
SCHEDULE_FIELDS = ("starts_at", "ends_at", "all_day", "place", "online_url")


def _apply(event: Event, data: EventInput) -> set[str]:
    changed = set()
    if event.kind != data.kind:
        # The relationship, not the code: pages and the .ics show the new kind's label at once.
        event.event_kind = db.session.scalar(select(EventKind).where(EventKind.code == data.kind))
        changed.add("kind")
    for name in ("title", "description", "starts_at", "ends_at", "all_day", "place", "online_url",
                 "territory_id", "capacity", "registration_deadline"):
        value = getattr(data, name)
        if getattr(event, name) != value:
            setattr(event, name, value)
            changed.add(name)
    organisers = list(db.session.scalars(select(User).where(User.id.in_(data.organiser_ids or [0]))))
    if {u.id for u in organisers} != {u.id for u in event.organisers}:
        event.organisers = organisers
        changed.add("organisers")
    partners = list(db.session.scalars(select(Organisation).where(Organisation.id.in_(data.partner_ids or [0]))))
    if {o.id for o in partners} != {o.id for o in event.partners}:
        event.partners = partners
        changed.add("partners")
    resources = list(db.session.scalars(select(Resource).where(Resource.id.in_(data.resource_ids or [0]))))
    if {r.id for r in resources} != {r.id for r in event.resources}:
        event.resources = resources
        changed.add("resources")
    return changed


def create_event(data: EventInput, actor: User) -> Event:
    event = Event(status=STATUS_PLANNED, sequence=0, created_by_id=actor.id)
    _apply(event, data)
    db.session.add(event)
    db.session.flush()
    audit("event.create", target=f"event:{event.id}", actor=actor)
    notices.event_created(event, actor)
    return event


def update_event(event_id: int, data: EventInput, actor: User) -> set[str]:
    """Apply an edit; returns the names of the fields that changed. A larger capacity promotes
    people from the waiting list. Takes the event's lock (lock_event), which the caller's
    commit releases."""
    event = lock_event(event_id)
    before = {name: getattr(event, name) for name in SCHEDULE_FIELDS}
    changed = _apply(event, data)
    schedule_changed = bool(changed & set(SCHEDULE_FIELDS))
    if schedule_changed or "title" in changed:
        event.sequence += 1
    promoted = _fill_from_waiting_list(event)
    if changed:
        audit("event.update", target=f"event:{event.id}", detail=", ".join(sorted(changed)), actor=actor)
    if schedule_changed and not event.is_cancelled:
        notices.event_changed(event, actor, changed & set(SCHEDULE_FIELDS), before)
    for registration in promoted:
        notices.promoted(registration)
    notices.reschedule_reminders(event)
    return changed


def cancel_event(event: Event, reason: str, actor: User) -> None:
    if event.is_cancelled:
        return
    if event.starts_at <= utcnow():
        # Its registrants came, or are there: telling them it is cancelled would be false, and
        # the attendance recorded would vanish from its page.
        raise Refusal(str(_l("L'événement a commencé : il ne s'annule plus. Modifiez-le, ou retirez des inscrits, "
                             "si quelque chose a changé.")))
    event.status = STATUS_CANCELLED
    event.cancel_reason = reason
    event.sequence += 1
    audit("event.cancel", target=f"event:{event.id}", detail=reason[:500], actor=actor)
    notices.event_cancelled(event, actor)
    notices.reschedule_reminders(event)


# --- Registrations ---------------------------------------------------------------------------

def lock_event(event_id: int) -> Event:
    """Start the registration transaction holding the event's lock, and return it fresh. On
    SQLite this commits what the session holds first (SQLite cannot nest transactions)."""
    session = db.session
    if session.get_bind().dialect.name == "sqlite":
        # pysqlite begins transactions lazily, before the first write: an explicit BEGIN
        # IMMEDIATE takes the write lock now, before we count. Anything pending is committed
        # first, since SQLite cannot nest transactions.
        if session.new or session.dirty or session.deleted:
            session.commit()
        connection = session.connection()
        if connection.connection.dbapi_connection.in_transaction:
            session.commit()
            connection = session.connection()
        connection.exec_driver_sql("BEGIN IMMEDIATE")
        event = session.get(Event, event_id, populate_existing=True)
    else:
        event = session.scalar(
            select(Event).where(Event.id == event_id).with_for_update(of=Event)
            .execution_options(populate_existing=True)
        )
    if event is None:
        session.rollback()
        raise LookupError(event_id)
    return event


def registered_count(event: Event) -> int:
    return db.session.scalar(
        select(func.count(Registration.id)).where(Registration.event_id == event.id, Registration.status == REG_REGISTERED)
    ) or 0


def waiting_count(event: Event) -> int:
    return db.session.scalar(
        select(func.count(Registration.id)).where(Registration.event_id == event.id, Registration.status == REG_WAITING)
    ) or 0


def places_left(event: Event) -> int | None:
    if event.capacity is None:
        return None
    return max(event.capacity - registered_count(event), 0)


def registration_closed_reason(event: Event) -> str | None:
    """Why a member can no longer register (None: open). The waiting list stays open while
    registration is; a full event is not closed."""
    if event.is_cancelled:
        return str(_l("Cet événement est annulé."))
    now = utcnow()
    if event.starts_at <= now:
        return str(_l("Cet événement a déjà commencé ou est passé."))
    if event.registration_deadline and event.registration_deadline < now:
        return str(_l("La date limite d'inscription est passée."))
    return None


def registration_of(event: Event, user) -> Registration | None:
    if user is None or not getattr(user, "id", None):
        return None
    return db.session.scalar(
        select(Registration).where(Registration.event_id == event.id, Registration.user_id == user.id)
    )


def guest_registration(event: Event, guest_id: int) -> Registration | None:
    return db.session.scalar(
        select(Registration).where(Registration.event_id == event.id, Registration.guest_id == guest_id)
    )


def _holder(event: Event, user, guest_id: int | None) -> Registration | None:
    return guest_registration(event, guest_id) if guest_id is not None else registration_of(event, user)


def waiting_position(registration: Registration) -> int | None:
    if registration.status != REG_WAITING:
        return None
    return (db.session.scalar(
        select(func.count(Registration.id)).where(
            Registration.event_id == registration.event_id,
            Registration.status == REG_WAITING,
            Registration.id < registration.id,
        )
    ) or 0) + 1


def register(event_id: int, user: User | None = None, *, guest_id: int | None = None,
             actor: User | None = None) -> Registration:
    """Register the member (or the guest, by id), or put them on the waiting list when the event
    is full: members and guests share the places and the list. Commits, to release the event's
    lock as soon as the place is taken.

    With ``actor``, an organiser registers a member by hand (a phone call, someone at the door):
    past the deadline and once the event has begun too, never once it is cancelled; once it has
    begun they take a place whatever the capacity, since they came. The member is told, unless
    the event has begun."""
    event = lock_event(event_id)
    try:
        existing = _holder(event, user, guest_id)
        if existing is not None:
            db.session.commit()
            return existing
        started = event.starts_at <= utcnow()
        reason = registration_closed_reason(event) if actor is None or event.is_cancelled else None
        if reason:
            raise RegistrationError(reason)
        full = event.capacity is not None and registered_count(event) >= event.capacity and not started
        registration = Registration(event_id=event.id, user_id=None if guest_id is not None else user.id,
                                    guest_id=guest_id, status=REG_WAITING if full else REG_REGISTERED)
        db.session.add(registration)
        db.session.flush()
        if actor is not None:
            audit("event.registration_add", target=f"event:{event.id}", detail=user.full_name, actor=actor)
            if not started:  # once it has begun, they are there: nothing to tell them
                notices.registered_by(registration, actor)
        db.session.commit()
        return registration
    except BaseException:
        db.session.rollback()
        raise


def unregister(event_id: int, user: User | None = None, *, guest_id: int | None = None) -> Registration | None:
    """Remove the member's (or the guest's) registration or waiting-list place; returns whoever
    was promoted. Commits, to release the event's lock as soon as the place is freed."""
    event = lock_event(event_id)
    return _release(event, _holder(event, user, guest_id))


@dataclass
class Removal:
    told: bool  # whether the person is told (an active member, or a guest)
    promoted: Registration | None  # who took the place freed


def remove_registration(event_id: int, registration_id: int, actor: User) -> Removal:
    """An organiser takes a registration or a waiting-list place back (someone who said they
    cannot come, a duplicate); the person is told and the waiting list moves on. Not on a
    cancelled event, whose registrants were told already. Commits, like unregister()."""
    event = lock_event(event_id)
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        raise RegistrationError(str(_l("Cette inscription n'existe plus : la liste a peut-être changé entre-temps.")))
    if event.is_cancelled:
        raise RegistrationError(str(_l("Cet événement est annulé : ses inscriptions restent telles quelles.")))
    audit("event.registration_remove", target=f"event:{event.id}", detail=registration.person_name, actor=actor)
    told = registration.guest_id is not None or (registration.user is not None and registration.user.active)
    notices.removed(registration, actor)
    return Removal(told=told, promoted=_release(event, registration))


def _release(event: Event, registration: Registration | None) -> Registration | None:
    """Delete the registration held under the event's lock, promote whoever waits, commit."""
    try:
        if registration is None:
            db.session.commit()
            return None
        was_registered = registration.status == REG_REGISTERED
        db.session.delete(registration)
        db.session.flush()
        promoted = _fill_from_waiting_list(event) if was_registered else []
        for other in promoted:
            notices.promoted(other)
        db.session.commit()
        return promoted[0] if promoted else None
    except BaseException:
        db.session.rollback()
        raise


def record_attendance(event: Event, present_ids: set[int], actor: User) -> int:
    """Who came, among those registered (not the waiting list): ticked present, the others absent.
    Only once the event has begun. Returns how many came."""
    if event.is_cancelled:
        raise RegistrationError(str(_l("Cet événement est annulé : il n'y a pas de présences à noter.")))
    if event.starts_at > utcnow():
        raise RegistrationError(str(_l("Les présences se notent une fois l'événement commencé.")))
    came = 0
    for registration in registrations(event, REG_REGISTERED):
        registration.attended = registration.id in present_ids
        came += registration.attended
    db.session.flush()
    audit("event.attendance", target=f"event:{event.id}", detail=str(came), actor=actor)
    return came


def _fill_from_waiting_list(event: Event) -> list[Registration]:
    """Promote the first people waiting into the free places (the caller holds the lock)."""
    if event.capacity is None:
        free = None
    else:
        free = event.capacity - registered_count(event)
        if free <= 0:
            return []
    if event.is_cancelled or event.starts_at <= utcnow():
        return []
    query = select(Registration).where(Registration.event_id == event.id, Registration.status == REG_WAITING)
    query = query.order_by(Registration.id)
    if free is not None:
        query = query.limit(free)
    promoted = list(db.session.scalars(query))
    for registration in promoted:
        registration.status = REG_REGISTERED
        registration.promoted_at = utcnow()
    db.session.flush()
    return promoted


def registrations(event: Event, status: str | None = None) -> list[Registration]:
    query = select(Registration).where(Registration.event_id == event.id).order_by(Registration.id)
    if status:
        query = query.where(Registration.status == status)
    query = query.options(joinedload(Registration.user).joinedload(User.structure), joinedload(Registration.guest))
    return list(db.session.scalars(query))


def email_registrants(event: Event, subject: str, body: str, actor: User, include_waiting: bool) -> int:
    """Queue a message from an organiser to the registrants (and the waiting list if asked)."""
    sent = 0
    for registration in registrations(event):
        if registration.status == REG_WAITING and not include_waiting:
            continue
        user = registration.user
        if user is None:
            if registration.guest_id is not None:  # with their personal link, by the guests domain
                notices.tell_guests("message", event, registrations=[registration], subject=subject, body=body,
                                    actor=actor)
                sent += 1
            continue
        if not user.active:
            continue
        queue_email("event_message", user.email, subject, kind="event.message", user=user, event=event,
                    body=body, sender=actor, headers={"Reply-To": actor.email})
        sent += 1
    audit("event.email", target=f"event:{event.id}", detail=f"{sent} destinataires : {subject}"[:500], actor=actor)
    return sent


# --- Which new events a member hears about: the kinds and territories they follow --------------

def followed_kinds_and_territories(user: User) -> tuple[set[int], set[int]]:
    return followed_ids(user, EventKind), followed_ids(user, Territory)


def set_followed_kinds_and_territories(user: User, kind_ids, territory_ids) -> None:
    """Follow exactly these kinds and active territories (inactive ones are not offered, so their
    follows are left as they are)."""
    kinds = db.session.scalars(select(EventKind))
    territories = db.session.scalars(select(Territory).where(Territory.active.is_(True)))
    for objects, chosen in ((kinds, set(kind_ids)), (territories, set(territory_ids))):
        for obj in objects:
            (follow if obj.id in chosen else unfollow)(user, obj)
