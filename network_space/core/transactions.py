"""The transaction rule, and the one helper views use to follow it.

Services change objects and flush; they never commit. The view commits once per request, through
``attempt()``: run the service, commit, flash the success message; or, when the service refuses
(raises a ``Refusal``), roll back and show why, beside the form field concerned or as a flash
message, the form keeping what the user typed. Any other exception is a bug: it propagates and
the error page rolls back. The rare function that must commit itself (taking the last seat of an
event under a lock, the worker's claims) says so in its docstring.

    outcome = attempt(lambda: services.cancel_meeting(meeting, current_user, reason),
                      _("Réunion annulée : les invités sont prévenus."))
    if outcome:
        return redirect(url_for("meetings.show", meeting_id=outcome.value.id))
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Generic, TypeVar

from flask import flash

from network_space.extensions import db

T = TypeVar("T")


class Refusal(Exception):
    """A change a service refuses for a reason the user can fix.

    ``message`` is shown as is (French, already translated); ``field`` optionally names the form
    field it concerns. Each domain's error (MeetingError, AccountError…) is a Refusal."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = str(message)
        self.field = field


@dataclass
class Outcome(Generic[T]):
    """What attempt() did: true when the change was committed; ``value`` is what the service returned."""

    value: T | None = None
    refusal: Refusal | None = None

    def __bool__(self) -> bool:
        return self.refusal is None


def attempt(action: Callable[[], T], success: str | Callable[[T], str] | None = None, *, form: Any = None,
            category: str = "success") -> Outcome[T]:
    """Run ``action``; commit and flash ``success`` (a message, or a function of the result), or
    roll back and show the refusal: under ``form``'s field named by the refusal when there is
    one, else as a flash message."""
    try:
        value = action()
    except Refusal as refusal:
        db.session.rollback()
        field = getattr(form, refusal.field, None) if form is not None and refusal.field else None
        if field is not None:
            field.errors = [*field.errors, refusal.message]
        else:
            flash(refusal.message, "error")
        return Outcome(refusal=refusal)
    db.session.commit()
    if success is not None:
        flash(success(value) if callable(success) else success, category)
    return Outcome(value=value)
