"""Published minutes are found by the site search, drafts are not, private ones only by invitees."""
from __future__ import annotations

from datetime import date, time

import pytest

from network_space.accounts.models import User
from network_space.core.dates import paris_to_utc
from network_space.extensions import db
from network_space.meetings import services
from network_space.meetings import minutes as minutes_services
from network_space.meetings.models import Meeting
from network_space.search import search
from tests.meetings.conftest import make_meeting, take_place

# Every test here runs against each search engine.
pytestmark = pytest.mark.usefixtures("search_backend")


def _held_meeting(organiser_id, invitee_id, **fields):
    meeting = db.session.get(Meeting, make_meeting(organiser_id, invitee_ids=[invitee_id], **fields))
    actor = db.session.get(User, organiser_id)
    start = paris_to_utc(date(2026, 10, 6), time(9))
    services.schedule(meeting, start, paris_to_utc(date(2026, 10, 6), time(12)), actor)
    minutes_services.save_minutes(meeting, actor, "Échanges sur la clause d'insertion des bailleurs sociaux", {})
    db.session.commit()
    return meeting, actor


def _found(user_id, text="bailleurs"):
    results = search(text, db.session.get(User, user_id), kinds=["meetings.minutes"])
    return [hit.obj.meeting_id for hit in results.hits]


def test_minutes_searchable_once_published_respecting_privacy(ctx, make_user):
    organiser, invitee, outsider = make_user("coanimator"), make_user("member"), make_user("member")
    public, actor = _held_meeting(organiser.id, invitee.id, title="Plénière")
    private, _ = _held_meeting(organiser.id, invitee.id, title="Copil", private=True)
    assert _found(invitee.id) == []  # drafts are not indexed
    take_place(public)
    take_place(private)
    minutes_services.publish_minutes(public, actor)
    minutes_services.publish_minutes(private, actor)
    minutes_services.add_decision(public, "Créer un groupe de travail logement")
    db.session.commit()
    assert sorted(_found(invitee.id)) == sorted([public.id, private.id])
    assert _found(outsider.id) == [public.id]
    assert _found(outsider.id, "logement") == [public.id]
