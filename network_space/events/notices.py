"""What members are told about events, through notifications.notify(): a new event to those
who follow its kind or its territory, changes and cancellation to registrants, promotion from the
waiting list, and reminders J-7 and J-1 (one scheduled job per event and delay, so each is sent
once, moved when the event moves and dropped when it is cancelled).

Guests (partners without an account, who hold registrations too) are told by the guests domain,
which events never imports: it listens to the ``GUEST_NEWS`` signal (blinker, Flask's own signal
library) that ``tell_guests`` sends in the same transaction."""
from __future__ import annotations

from datetime import timedelta

from blinker import signal
from flask_babel import LazyString
from sqlalchemy import select

from network_space.accounts.models import User
from network_space.core import ics
from network_space.core.dates import fmt_date, fmt_datetime, fmt_span
from network_space.core.i18n import lazy_gettext as _l
from network_space.core.models import utcnow
from network_space.events import ical
from network_space.events.models import REG_REGISTERED, Event, Registration
from network_space.extensions import db
from network_space.notifications.services import cancel_job, cancel_jobs, followers_of, job_handler, notify, schedule_job

REMINDER_DAYS = (7, 1)

# Sent with the event and ``what`` ("changed", "cancelled", "promoted", "removed", "reminder", "message"),
# plus ``registrations`` (the guests' ones concerned; all of the event's when absent) and details.
GUEST_NEWS = signal("events.guest-news")


def tell_guests(what: str, event: Event, **context) -> None:
    GUEST_NEWS.send(event, what=what, **context)


def _registrants(event: Event, *, waiting_too: bool = True) -> list[User]:
    query = select(User).join(Registration, Registration.user_id == User.id).where(Registration.event_id == event.id)
    if not waiting_too:
        query = query.where(Registration.status == REG_REGISTERED)
    return list(db.session.scalars(query))


def _when(event: Event) -> LazyString:
    """Spelt out when read: in each recipient's language (core/outbox.queue_email)."""
    return LazyString(fmt_date if event.all_day else fmt_datetime, event.starts_at)


def event_created(event: Event, actor) -> None:
    # notify() takes each recipient once: following both the kind and the territory is one notice.
    followers = followers_of(event.event_kind) + (followers_of(event.territory) if event.territory else [])
    notify("event.created", followers, event, actor=actor, when=_when(event),
           subject=_l("Nouvel événement : %(title)s", title=event.title))
    reschedule_reminders(event)


def event_changed(event: Event, actor, fields: set[str], before: dict | None = None) -> None:
    """``before``: the schedule's fields as they were, so that the message says what changed."""
    before = before or {}
    moved = bool(fields & {"starts_at", "ends_at", "all_day"}) and before.get("starts_at") is not None
    was_when = LazyString(fmt_span, before["starts_at"], before["ends_at"], before["all_day"]) if moved else None
    was_place = (before.get("place") or "") if "place" in fields else None
    notify("event.changed", _registrants(event), event, actor=actor, when=_when(event), was_when=was_when,
           was_place=was_place, subject=_l("Changement : %(title)s", title=event.title), **_calendar_attachment(event))
    tell_guests("changed", event, fields=fields)


def event_cancelled(event: Event, actor) -> None:
    notify("event.cancelled", _registrants(event), event, actor=actor, when=_when(event),
           reason=event.cancel_reason, subject=_l("Annulé : %(title)s", title=event.title),
           **_calendar_attachment(event, cancelled=True))
    tell_guests("cancelled", event)


def promoted(registration: Registration) -> None:
    event = registration.event
    if registration.user_id is None:
        tell_guests("promoted", event, registrations=[registration])
        return
    notify("event.promoted", [registration.user_id], event, when=_when(event),
           subject=_l("Une place s'est libérée : %(title)s", title=event.title), **_calendar_attachment(event))


def registered_by(registration: Registration, actor) -> None:
    """An organiser registered a member by hand (services.register with an actor)."""
    event = registration.event
    waiting = registration.status != REG_REGISTERED
    notify("event.registered", [registration.user_id], event, actor=actor, when=_when(event), waiting=waiting,
           subject=(_l("Liste d'attente : %(title)s", title=event.title) if waiting
                    else _l("Vous êtes inscrit·e : %(title)s", title=event.title)),
           headers={"Reply-To": actor.email}, **({} if waiting else _calendar_attachment(event)))


def removed(registration: Registration, actor) -> None:
    """An organiser took the registration or the waiting-list place back."""
    event = registration.event
    if registration.user_id is None:
        tell_guests("removed", event, registrations=[registration], actor=actor)
        return
    waiting = registration.status != REG_REGISTERED
    # A place taken back leaves the calendar too (nothing to take back from a waiting list).
    calendar = [] if waiting else [(f"evenement-{event.id}.ics", "text/calendar; method=CANCEL; charset=UTF-8",
                                    ical.removal_calendar(event))]
    notify("event.removed", [registration.user_id], event, actor=actor, when=_when(event), waiting=waiting,
           subject=(_l("Liste d'attente quittée : %(title)s", title=event.title) if waiting
                    else _l("Inscription retirée : %(title)s", title=event.title)),
           headers={"Reply-To": actor.email}, attachments=calendar)


def _calendar_attachment(event: Event, *, cancelled: bool = False) -> dict:
    """The updated .ics (same UID, higher SEQUENCE), so that calendar applications move their copy
    when it is opened; a cancellation is a METHOD:CANCEL, which removes it (a PUBLISH with
    STATUS:CANCELLED adds the event to a calendar that never had it)."""
    method = ics.METHOD_CANCEL if cancelled else ics.METHOD_PUBLISH
    content = ical.event_calendar(event, method=method)
    return {"attachments": [(f"evenement-{event.id}.ics", f"text/calendar; method={method}; charset=UTF-8", content)]}


def _reminder_key(event: Event, days: int) -> str:
    return f"event:{event.id}:reminder:j-{days}"


def reschedule_reminders(event: Event) -> None:
    """Put the J-7 and J-1 reminders at the right time (in the caller's transaction)."""
    if event.is_cancelled:
        cancel_jobs(f"event:{event.id}:")
        return
    now = utcnow()
    for days in REMINDER_DAYS:
        run_at = event.starts_at - timedelta(days=days)
        if run_at <= now:
            # Too late for this reminder: sending it now would be noise, not a reminder.
            cancel_job(_reminder_key(event, days))
        else:
            schedule_job(_reminder_key(event, days), run_at, "events.reminder", event_id=event.id, days=days)


@job_handler("events.reminder")
def send_reminder(event_id: int, days: int) -> None:
    event = db.session.get(Event, event_id)
    if event is None or event.is_cancelled or event.starts_at <= utcnow():
        return
    notify("event.reminder", _registrants(event, waiting_too=False), event, days=days, when=_when(event),
           subject=(_l("Demain : %(title)s", title=event.title) if days == 1
                    else _l("Dans %(n)d jours : %(title)s", n=days, title=event.title)))
    tell_guests("reminder", event, days=days)
