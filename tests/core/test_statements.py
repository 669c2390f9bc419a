"""core/statements.py: the dashboard's statements are built once and executed at each request with
the member's values. The risk of building a statement once is to keep in it a value of the member it
was first built for: each member must still see their own actions, meetings and first steps."""
from __future__ import annotations

import html
import re
from datetime import date, time

from sqlalchemy import event
from sqlalchemy.orm import Session

from network_space.accounts.models import Territory, User
from network_space.extensions import db
from network_space.library.models import Resource
from network_space.meetings import services as meeting_services
from network_space.meetings.models import ActionItem, Meeting
from tests.meetings.conftest import make_meeting


def _dashboard(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def _territories_step_done(page: str) -> bool:
    step = next(item for item in re.findall(r"<li[^>]*>.*?</li>", page, re.S) if "Choisir vos territoires" in item)
    return "Fait" in step


def test_each_member_sees_their_own_dashboard_from_the_same_statements(app, client, make_user, login_as):
    organiser = make_user("coanimator")
    anna, bruno = make_user("member", full_name="Anna"), make_user("member", full_name="Bruno")
    with app.app_context():
        meeting_id = make_meeting(organiser.id, title="Point confidentiel avec Anna", private=True,
                                  invitee_ids=[anna.id], slots=[(date(2027, 3, 9), time(9), time(12))])
        meeting = db.session.get(Meeting, meeting_id)
        meeting_services.schedule(meeting, meeting.slots[0].starts_at, meeting.slots[0].ends_at,
                                  db.session.get(User, organiser.id))
        meeting.actions = [ActionItem(title="Relancer le bailleur", assignee_id=anna.id),
                           ActionItem(title="Envoyer la fiche ESAT", assignee_id=bruno.id)]
        territory = Territory(name="Voironnais", sector="centre")
        db.session.add(territory)
        db.session.flush()
        db.session.get(User, anna.id).territories.append(territory)
        db.session.commit()

    for _round in range(2):  # Anna first, then Bruno on statements built for her, then Anna again
        login_as(anna)
        page = _dashboard(client)
        assert "Relancer le bailleur" in page and "Envoyer la fiche ESAT" not in page
        assert "Point confidentiel avec Anna" in page
        assert _territories_step_done(page) is True

        login_as(bruno)
        page = _dashboard(client)
        assert "Envoyer la fiche ESAT" in page and "Relancer le bailleur" not in page
        assert "Point confidentiel avec Anna" not in page
        assert _territories_step_done(page) is False


def test_a_role_sees_what_its_own_statement_shows(app, client, make_user, login_as):
    """The role shapes a statement (one per role): a resource for co-animators only is on a
    co-animator's dashboard and never on a member's, whichever was served first."""
    coanimator, member = make_user("coanimator"), make_user("member")
    with app.app_context():
        db.session.add_all([
            Resource(title="Notes internes des co-animateurs", kind="note", body="…", visibility="coanimators",
                     author_id=coanimator.id),
            Resource(title="Modèle de clause pour tous", kind="note", body="…", visibility="members",
                     author_id=coanimator.id),
        ])
        db.session.commit()
    for first, second in ((member, coanimator), (coanimator, member)):
        for user in (first, second):
            login_as(user)
            page = _dashboard(client)
            assert "Modèle de clause pour tous" in page
            assert ("Notes internes des co-animateurs" in page) is (user is coanimator)


def test_the_dashboard_runs_the_statements_it_built_before(app, client, login_as):
    """Built once: a second dashboard executes the very statement objects of the first (their cache
    keys already computed), not new ones built again."""
    login_as("member")
    _dashboard(client)
    executed: list[list[int]] = [[], []]
    current = executed[0]

    def record(state):
        if not state.is_relationship_load:
            current.append(id(state.statement))

    event.listen(Session, "do_orm_execute", record)
    try:
        _dashboard(client)
        current = executed[1]
        _dashboard(client)
    finally:
        event.remove(Session, "do_orm_execute", record)
    assert executed[0] and executed[1] == executed[0]
