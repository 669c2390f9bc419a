"""What members are told about events: changes and cancellations to registrants, promotion
from the waiting list, new events to followers, reminders J-7 and J-1."""
from __future__ import annotations

from flask_babel import gettext as _

from network_space.events.models import Event, Registration
from network_space.extensions import db


def _registrants(event: Event) -> list:
    return [r.user for r in event.registrations if r.user.active]


def _email(template: str, user, subject: str, event: Event, **context) -> None:
    from network_space.notifications.outbox import queue_email

    queue_email(template, user.email, subject, kind=f"event.{template}", user=user, event=event, **context)


def event_created(event: Event, actor) -> None:
    """Followers of the event's territory or kind hear about it (once notifications exist)."""


def event_changed(event: Event, actor, fields: set[str]) -> None:
    db.session.refresh(event, ["registrations"])
    for user in _registrants(event):
        _email("event_changed", user, _("Changement : %(title)s", title=event.title), event, fields=fields)


def event_cancelled(event: Event, actor) -> None:
    db.session.refresh(event, ["registrations"])
    for user in _registrants(event):
        _email("event_cancelled", user, _("Annulé : %(title)s", title=event.title), event)


def promoted(registration: Registration) -> None:
    user = registration.user
    if user.active:
        _email("event_promoted", user, _("Une place s'est libérée : %(title)s", title=registration.event.title),
               registration.event)


def schedule_reminders_for(event: Event, registration: Registration) -> None:
    """Reminders J-7 and J-1 (once the notification jobs exist)."""


def cancel_reminders_for(event: Event, user_id: int) -> None:
    """Drop a member's reminders for this event."""


def reschedule_reminders(event: Event) -> None:
    """Move every registrant's reminders after a change, or drop them on cancellation."""
