"""Date poll rules: Paris times across DST, the tally, answers kept when slots are added."""
from __future__ import annotations

from datetime import date, datetime, time, timezone

import pytest

from network_space.accounts.models import User
from network_space.extensions import db
from network_space.meetings import polls, queries, services
from network_space.meetings.models import Meeting
from tests.meetings.conftest import make_meeting


def test_slots_in_paris_time_across_dst(ctx, make_user):
    organiser = make_user("coanimator")
    meeting_id = make_meeting(organiser.id, slots=[(date(2026, 3, 29), time(10), time(12)),
                                                   (date(2026, 10, 25), time(10), time(12))])
    starts = [s.starts_at for s in db.session.get(Meeting, meeting_id).slots]
    assert starts == [datetime(2026, 3, 29, 8, tzinfo=timezone.utc), datetime(2026, 10, 25, 9, tzinfo=timezone.utc)]


def test_end_before_start_is_refused(ctx, make_user):
    organiser = make_user("coanimator")
    meeting = db.session.get(Meeting, make_meeting(organiser.id))
    with pytest.raises(services.MeetingError):
        polls.add_slots(meeting, [polls.SlotInput(date(2027, 1, 5), time(12), time(10))])


def _poll(make_user, n_invitees=3, n_slots=3):
    organiser = make_user("coanimator")
    invitees = [make_user("member") for _ in range(n_invitees)]
    slots = [(date(2027, 2, day), time(9), time(12)) for day in range(1, n_slots + 1)]
    meeting_id = make_meeting(organiser.id, invitee_ids=[u.id for u in invitees], slots=slots)
    meeting = db.session.get(Meeting, meeting_id)
    polls.open_poll(meeting, db.session.get(User, organiser.id))
    db.session.commit()
    return meeting, [db.session.get(User, u.id) for u in invitees]


def test_tally_most_yes_then_most_maybe(ctx, make_user):
    meeting, (a, b, c) = _poll(make_user)
    s1, s2, s3 = (s.id for s in meeting.slots)
    polls.answer_poll(meeting, a, {s1: "yes", s2: "yes", s3: "no"})
    polls.answer_poll(meeting, b, {s1: "no", s2: "yes", s3: "yes"})
    polls.answer_poll(meeting, c, {s1: "yes", s2: "maybe", s3: "yes"})
    db.session.commit()
    rows = {r.slot.id: r for r in polls.tally(meeting)}
    assert (rows[s1].yes, rows[s1].maybe, rows[s1].no) == (2, 0, 1)
    # s2 and s3 both have 2 Oui; s2 also has a Si besoin, so s2 alone is best.
    assert [sid for sid, r in rows.items() if r.best] == [s2]
    # Equal on both counts: both are highlighted.
    polls.answer_poll(meeting, c, {s3: "maybe", s2: "yes"})
    polls.answer_poll(meeting, b, {s3: "yes"})
    db.session.commit()
    rows = {r.slot.id: r for r in polls.tally(meeting)}
    assert rows[s2].score == (3, 0) and [sid for sid, r in rows.items() if r.best] == [s2]


def test_no_answers_means_no_best_slot(ctx, make_user):
    meeting, _ = _poll(make_user)
    assert not any(r.best for r in polls.tally(meeting))


def test_answers_kept_when_slots_are_added_and_changeable_until_close(ctx, make_user):
    meeting, (a, b, _) = _poll(make_user, n_slots=2)
    s1, s2 = (s.id for s in meeting.slots)
    polls.answer_poll(meeting, a, {s1: "yes", s2: "no"}, comment="Le matin")
    db.session.commit()
    (new_slot,) = polls.add_slots(meeting, [polls.SlotInput(date(2027, 2, 10), time(14), time(16))])
    db.session.commit()
    response = next(r for r in meeting.responses if r.user_id == a.id)
    assert {x.slot_id: x.value for x in response.answers} == {s1: "yes", s2: "no"}
    polls.answer_poll(meeting, a, {new_slot.id: "maybe", s2: "yes"}, comment="Le matin")
    db.session.commit()
    assert {x.slot_id: x.value for x in response.answers} == {s1: "yes", s2: "yes", new_slot.id: "maybe"}
    assert response.comment == "Le matin"
    assert [u.id for u in queries.non_respondents(meeting)] and a.id not in [u.id for u in queries.non_respondents(meeting)]
    polls.choose_slot(meeting, new_slot, meeting.organisers[0])
    db.session.commit()
    with pytest.raises(services.MeetingError):
        polls.answer_poll(meeting, b, {s1: "yes"})
    assert meeting.starts_at == new_slot.starts_at


def test_invalid_answer_value_is_refused(ctx, make_user):
    meeting, (a, _, _) = _poll(make_user)
    with pytest.raises(services.MeetingError):
        polls.answer_poll(meeting, a, {meeting.slots[0].id: "peut-être"})
