"""The date poll: proposed slots, the poll opened, answers (Oui / Si besoin / Non), the tally, and
the slot chosen, which fixes the date (services.schedule). Writes flush; the view commits."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from flask_babel import gettext as _
from sqlalchemy import select

from network_space.accounts.models import User
from network_space.core.dates import fmt_datetime, paris_to_utc
from network_space.core.models import utcnow
from network_space.extensions import db
from network_space.meetings import notices, services
from network_space.meetings.models import (
    ANSWER_MAYBE, ANSWER_NO, ANSWER_YES, ANSWERS, RSVP_YES, STATUS_DRAFT, STATUS_POLL, Meeting, PollAnswer, PollResponse, PollSlot,
)
from network_space.meetings.services import MeetingError


@dataclass
class SlotInput:
    day: date
    start: time
    end: time


def _slot_times(slot: SlotInput) -> tuple[datetime, datetime]:
    if slot.end <= slot.start:
        raise MeetingError(_("L'heure de fin doit être après l'heure de début."))
    return paris_to_utc(slot.day, slot.start), paris_to_utc(slot.day, slot.end)


def add_slots(meeting: Meeting, slots: list[SlotInput]) -> list[PollSlot]:
    """Add proposed slots; existing answers are kept (a new slot simply has no answers yet)."""
    if meeting.status not in (STATUS_DRAFT, STATUS_POLL):
        raise MeetingError(_("Les créneaux ne se modifient plus une fois la date fixée."))
    if not slots:
        raise MeetingError(_("Indiquez au moins une date."))
    existing = {(s.starts_at, s.ends_at) for s in meeting.slots}
    created = []
    for slot in slots:
        start, end = _slot_times(slot)
        if (start, end) in existing:
            continue
        existing.add((start, end))
        created.append(PollSlot(meeting=meeting, starts_at=start, ends_at=end))
    db.session.add_all(created)
    return created


def delete_slot(meeting: Meeting, slot: PollSlot) -> None:
    if meeting.status not in (STATUS_DRAFT, STATUS_POLL):
        raise MeetingError(_("Les créneaux ne se modifient plus une fois la date fixée."))
    meeting.slots.remove(slot)


def open_poll(meeting: Meeting, actor: User, deadline: datetime | None = None) -> None:
    if meeting.status != STATUS_DRAFT:
        raise MeetingError(_("Le sondage ne peut être ouvert que depuis le brouillon."))
    if not meeting.slots:
        raise MeetingError(_("Proposez au moins un créneau avant d'ouvrir le sondage."))
    first = min(slot.starts_at for slot in meeting.slots)
    if deadline is not None and deadline > first:
        # Answers after a slot has passed choose nothing; the reminder would come on that day.
        raise MeetingError(_("La date limite de réponse doit précéder le premier créneau proposé (%(first)s).",
                             first=fmt_datetime(first)))
    meeting.status = STATUS_POLL
    set_poll_deadline(meeting, deadline)
    added = services.sync_invitees(meeting)[0]
    notices.poll_opened(meeting, added, actor, deadline)


def set_poll_deadline(meeting: Meeting, deadline: datetime | None) -> None:
    """The deadline is for the invitees' information and the reminder to those who have not
    answered (one day before); answers stay open until the organiser picks the date."""
    meeting.poll_deadline = deadline
    notices.schedule_poll_reminder(meeting)


def answer_poll(meeting: Meeting, user: User | None, answers: dict[int, str], comment: str | None = None, *,
                guest_id: int | None = None) -> PollResponse:
    """Record (or change) a member's answers, or a guest's (by id: a partner without an account,
    counted with the members); slots not in ``answers`` keep their previous answer."""
    if meeting.status != STATUS_POLL:
        raise MeetingError(_("Ce sondage est clos."))
    slot_ids = {s.id for s in meeting.slots}
    holder = PollResponse.guest_id == guest_id if guest_id is not None else PollResponse.user_id == user.id
    response = db.session.scalar(select(PollResponse).where(PollResponse.meeting_id == meeting.id, holder))
    if response is None:
        response = PollResponse(meeting_id=meeting.id, user_id=None if guest_id is not None else user.id,
                                guest_id=guest_id)
        db.session.add(response)
    response.comment = (comment or "").strip() or None
    response.updated_at = utcnow()
    by_slot = {a.slot_id: a for a in response.answers}
    for slot_id, value in answers.items():
        if slot_id not in slot_ids or value not in ANSWERS:
            raise MeetingError(_("Réponse invalide."))
        if slot_id in by_slot:
            by_slot[slot_id].value = value
        else:
            response.answers.append(PollAnswer(slot_id=slot_id, value=value))
    return response


@dataclass
class SlotTally:
    slot: PollSlot
    yes: int = 0
    maybe: int = 0
    no: int = 0
    best: bool = False

    @property
    def score(self) -> tuple[int, int]:
        return (self.yes, self.maybe)


_COUNTERS = {ANSWER_YES: "yes", ANSWER_MAYBE: "maybe", ANSWER_NO: "no"}


def tally(meeting: Meeting) -> list[SlotTally]:
    """Counts per slot; the best slots have the most Oui, then the most Si besoin (ties: all)."""
    rows = {s.id: SlotTally(s) for s in meeting.slots}
    for response in meeting.responses:
        for answer in response.answers:
            row = rows.get(answer.slot_id)
            if row is not None:
                counter = _COUNTERS[answer.value]
                setattr(row, counter, getattr(row, counter) + 1)
    result = list(rows.values())
    top = max((r.score for r in result), default=(0, 0))
    if top != (0, 0):
        for row in result:
            row.best = row.score == top
    return result


def choose_slot(meeting: Meeting, slot: PollSlot, actor: User) -> None:
    if meeting.status != STATUS_POLL or slot.meeting_id != meeting.id:
        raise MeetingError(_("Ce créneau ne peut pas être retenu."))
    notices.cancel_poll_reminder(meeting)
    # "Oui" to the slot chosen is "Je viens" (each may change it on the meeting page); the
    # invitation's .ics then says so too (PARTSTAT=ACCEPTED).
    said_yes = {r.user_id for r in meeting.responses for a in r.answers if a.slot_id == slot.id and a.value == ANSWER_YES}
    now = utcnow()
    for invitee in meeting.invitees:
        if invitee.user_id in said_yes and invitee.rsvp is None:
            invitee.rsvp, invitee.rsvp_at = RSVP_YES, now
    services.schedule(meeting, slot.starts_at, slot.ends_at, actor)
