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

What a request leaves uncommitted is rolled back at its end, except that a request which wrote
nothing ends its transaction with COMMIT rather than ROLLBACK (``init_app``): the two are the same
for a transaction that wrote nothing, but psycopg forgets every statement it prepared on the
connection at each ROLLBACK (a rolled-back transaction may have dropped what they refer to), so
with a ROLLBACK after every page PostgreSQL would parse and plan each query of each page anew.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Callable, Generic, TypeVar

from flask import Flask, abort, flash
from sqlalchemy import event

from network_space.extensions import db

log = logging.getLogger(__name__)

# In the info of the connection (kept by the pool with the database connection): whether the
# transaction under way has sent anything but a SELECT, or a statement that failed.
WROTE = "network_space.wrote"

T = TypeVar("T")


class Refusal(Exception):
    """A change a service refuses for a reason the user can fix.

    ``message`` is shown as is (French, already translated); ``field`` optionally names the form
    field it concerns. Each domain's error (MeetingError, AccountError…) is a Refusal."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = str(message)
        self.field = field

    def answer(self):
        """A response that answers the request instead of the refusal shown on the page, or None
        (core/forms.SentAlready sends a form sent twice to what its first sending made)."""
        return None


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
        if form is not None and hasattr(form, "record_submission"):
            form.record_submission()  # core/forms.SubmittedOnce: a second sending is refused
        value = action()
    except Refusal as refusal:
        db.session.rollback()
        response = refusal.answer()
        if response is not None:
            abort(response)
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


def init_app(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
    event.listen(engine, "begin", _forget_writes)
    event.listen(engine, "before_cursor_execute", _note_writes)
    event.listen(engine, "handle_error", _note_failure)
    app.teardown_request(end_unwritten_transaction)


def _forget_writes(connection) -> None:
    connection.info[WROTE] = False


def _note_writes(connection, cursor, statement: str, parameters, context, executemany: bool) -> None:
    # Anything but a SELECT counts: INSERT, UPDATE, DELETE, WITH (a CTE may write), SAVEPOINT, SET.
    if statement.lstrip()[:6].upper() != "SELECT":
        connection.info[WROTE] = True


def _note_failure(context) -> None:
    if context.connection is not None:
        context.connection.info[WROTE] = True


def end_unwritten_transaction(error: BaseException | None) -> None:
    """At the end of a request that sent nothing but SELECTs and holds no pending change, commit
    (the same, for such a transaction, as the rollback that would follow, and psycopg keeps its
    prepared statements). Anything else is left to the rollback that ends every request."""
    session = db.session()
    if error is not None or not session.in_transaction() or session.new or session.dirty or session.deleted:
        return
    expire_on_commit = session.expire_on_commit
    try:
        if not session.connection().info.get(WROTE, True):
            # Nothing reads these objects after the request: expiring them all would be wasted work.
            session.expire_on_commit = False
            session.commit()
    except Exception:  # noqa: BLE001 - the request is over; the rollback that follows ends the transaction
        log.warning("ending a read-only transaction failed", exc_info=True)
    finally:
        session.expire_on_commit = expire_on_commit
