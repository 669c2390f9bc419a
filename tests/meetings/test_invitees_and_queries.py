"""Invitee scopes resolved to concrete rows and kept in sync; bounded SQL on the meeting page."""
from __future__ import annotations

import re
from datetime import date, time

from network_space.accounts.models import User
from network_space.extensions import db
from network_space.meetings import polls, services
from network_space.meetings.models import Meeting
from tests.helpers import checked_values, count_queries
from tests.meetings.conftest import attach_territory, make_meeting, post


def test_scopes_resolve_to_members_and_stay_in_sync(ctx, make_user, territory):
    capi, metro = territory("CAPI", "nord"), territory("La Métro", "sud")
    organiser = make_user("coanimator")
    nord_member, sud_member, named = make_user("member"), make_user("member"), make_user("member")
    inactive = make_user("member", active=False)
    for user_id, territory_id in ((nord_member.id, capi), (sud_member.id, metro), (inactive.id, capi)):
        attach_territory(user_id, territory_id)
    db.session.commit()
    meeting = db.session.get(Meeting, make_meeting(organiser.id, invitee_ids=[named.id], invite_scope="sector",
                                                   invite_sector="nord"))
    polls.open_poll(meeting, db.session.get(User, organiser.id))
    db.session.commit()
    assert {i.user_id for i in meeting.invitees} == {organiser.id, nord_member.id, named.id}

    data = services.MeetingData(title=meeting.title, place="Grenoble", invite_scope="territories",
                                territory_ids=[metro], organiser_ids=[organiser.id])
    services.update_meeting(meeting, db.session.get(User, organiser.id), data)
    db.session.commit()
    assert {i.user_id for i in meeting.invitees} == {organiser.id, sud_member.id}

    data.invite_scope = "all"
    services.update_meeting(meeting, db.session.get(User, organiser.id), data)
    db.session.commit()
    assert {i.user_id for i in meeting.invitees} == {organiser.id, nord_member.id, sud_member.id, named.id}


def test_meeting_page_queries_are_bounded(client, login_as, make_user, app):
    organiser = make_user("coanimator")
    invitees = [make_user("member") for _ in range(40)]
    slots = [(date(2027, 9, day), time(9), time(12)) for day in range(1, 11)]
    with app.app_context():
        meeting_id = make_meeting(organiser.id, invitee_ids=[u.id for u in invitees], slots=slots)
        meeting = db.session.get(Meeting, meeting_id)
        polls.open_poll(meeting, db.session.get(User, organiser.id))
        for n, user in enumerate(invitees):
            polls.answer_poll(meeting, db.session.get(User, user.id),
                                 {s.id: ("yes", "maybe", "no")[(n + i) % 3] for i, s in enumerate(meeting.slots)},
                                 comment=f"Commentaire {n}")
        for n in range(5):
            services.add_agenda_item(meeting, f"Point {n}", 15, "Claire", None)
        db.session.commit()
    login_as(organiser)
    with count_queries(app) as counter:
        response = client.get(f"/meetings/{meeting_id}")
    assert response.status_code == 200
    assert response.get_data(as_text=True).count("« Commentaire ") == 40
    assert counter.count <= 20, counter


def _section(page: str, heading: str) -> str:
    return page.split(heading, 1)[1].split("</section>", 1)[0]


def test_dashboard_meetings_in_one_statement_still_find_what_lies_beyond_the_next_five(
        app, client, login_as, make_user):
    """The two meeting panels and the plenary step share one statement (meetings.queries.for_dashboard):
    a date poll awaiting the member and the next plenary show even when five earlier meetings fill
    the "Prochaines réunions" panel."""
    organiser, member = make_user("coanimator"), make_user("member")
    with app.app_context():
        boss = db.session.get(User, organiser.id)
        for day in range(4, 10):  # six meetings open to all members, in January
            meeting = db.session.get(Meeting, make_meeting(organiser.id, title=f"Groupe du {day} janvier", kind="groupe",
                                                           slots=[(date(2027, 1, day), time(9), time(10))]))
            services.schedule(meeting, meeting.slots[0].starts_at, meeting.slots[0].ends_at, boss)
        plenary = db.session.get(Meeting, make_meeting(organiser.id, title="Plénière de mars", invite_scope="all",
                                                       slots=[(date(2027, 3, 9), time(9), time(12))]))
        services.schedule(plenary, plenary.slots[0].starts_at, plenary.slots[0].ends_at, boss)
        poll = db.session.get(Meeting, make_meeting(organiser.id, title="Copil à dater", kind="copil",
                                                    invitee_ids=[member.id]))
        polls.open_poll(poll, boss)
        other = db.session.get(Meeting, make_meeting(organiser.id, title="Sondage déjà répondu", kind="copil",
                                                     invitee_ids=[member.id]))
        polls.open_poll(other, boss)
        polls.answer_poll(other, db.session.get(User, member.id), {other.slots[0].id: "yes"})
        db.session.commit()
        plenary_id = plenary.id

    login_as(member)
    page = client.get("/").get_data(as_text=True)
    upcoming = _section(page, "Prochaines réunions")
    assert [f"Groupe du {day} janvier" in upcoming for day in range(4, 10)] == [True] * 5 + [False]
    awaiting = _section(page, "Sondages en attente de ma réponse")
    assert "Copil à dater" in awaiting and "Sondage déjà répondu" not in awaiting
    assert "Plénière de mars" in _section(page, "Vos premiers pas")

    assert post(client, f"/meetings/{plenary_id}/rsvp", {"rsvp": "yes"}, f"/meetings/{plenary_id}").status_code == 302
    steps = _section(client.get("/").get_data(as_text=True), "Vos premiers pas")
    step = next(item for item in re.findall(r"<li[^>]*>(.*?)</li>", steps, re.S) if "prochaine plénière" in item)
    assert "Fait" in step


def test_the_list_s_filters_keep_what_was_chosen(client, login_as, territory, app):
    import re

    vercors = territory("Vercors", "sud")
    login_as("member")

    def selected(query: str) -> dict:
        html = client.get(f"/meetings/{query}").get_data(as_text=True)
        return {name: re.findall(r'<option value="([^"]*)" selected>', html[html.index(f'name="{name}"'):].split("</select>")[0])
                for name in ("kind", "series", "territory")}

    assert selected("") == {"kind": [], "series": [""], "territory": [""]}
    assert selected(f"?kind=nord&territory={vercors}") == {"kind": ["nord"], "series": [""], "territory": [str(vercors)]}
    assert selected("?kind=inconnu&territory=abc") == {"kind": [], "series": [""], "territory": [""]}


def test_people_are_listed_in_alphabetical_order_accents_aside(app, client, login_as, make_user):
    """Élodie comes among the E, not after Zoé (a byte order puts "É" after "Z")."""
    from network_space.meetings import minutes

    organiser = login_as("coanimator", full_name="Claire Dumas")
    names = ["Zoé Blanc", "Élodie Perrin", "Bruno Vidal"]
    people = [make_user("member", full_name=name) for name in names]
    with app.app_context():
        meeting_id = make_meeting(organiser.id, invitee_ids=[p.id for p in people])
        meeting = db.session.get(Meeting, meeting_id)
        services.schedule(meeting, meeting.slots[0].starts_at, meeting.slots[0].ends_at, db.session.get(User, organiser.id))
        db.session.commit()
        listed = [a.name for a in minutes.attendees(db.session.get(Meeting, meeting_id)) if a.name in names]
    assert listed == ["Bruno Vidal", "Élodie Perrin", "Zoé Blanc"]
    form = client.get(f"/meetings/{meeting_id}/edit").get_data(as_text=True)
    assert form.index("Bruno Vidal") < form.index("Élodie Perrin") < form.index("Zoé Blanc")


def test_editing_keeps_people_deactivated_since(app, client, login_as, make_user):
    """An organiser, a named invitee and an action's assignee deactivated since stay where they
    were when the meeting or the action is saved for another change."""
    from network_space.meetings import minutes
    from network_space.meetings.models import ActionItem

    organiser = login_as("coanimator", full_name="Claire Dumas")
    colleague = make_user("coanimator", full_name="Julien Moreau")
    invitee = make_user("member", full_name="Karim Haddad")
    with app.app_context():
        meeting_id = make_meeting(organiser.id, invitee_ids=[invitee.id])
        meeting = db.session.get(Meeting, meeting_id)
        meeting.organisers.append(db.session.get(User, colleague.id))
        services.schedule(meeting, meeting.slots[0].starts_at, meeting.slots[0].ends_at, db.session.get(User, organiser.id))
        action = minutes.add_action(meeting, db.session.get(User, organiser.id), "Relancer les bailleurs", invitee.id, None)
        db.session.flush()
        action_id = action.id
        for person in (colleague, invitee):
            db.session.get(User, person.id).active = False
        db.session.commit()
    page = client.get(f"/meetings/{meeting_id}/edit").get_data(as_text=True)
    form = {"csrf_token": re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1),
            "title": "Réunion plénière (ordre du jour revu)", "kind": "pleniere", "format": "presentiel",
            "place": "Grenoble", "invite_scope": "none", "series_id": "",
            "organiser_ids": checked_values(page, "organiser_ids"),
                "named_member_ids": checked_values(page, "named_member_ids")}
    assert client.post(f"/meetings/{meeting_id}/edit", data=form).status_code == 302
    post(client, f"/meetings/{meeting_id}/actions/{action_id}/edit",
         {"action-title": "Relancer les bailleurs sociaux", "action-assignee_id": str(invitee.id)},
         token_page=f"/meetings/{meeting_id}/actions/{action_id}/edit")
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        assert meeting.title == "Réunion plénière (ordre du jour revu)"
        assert {u.id for u in meeting.organisers} == {organiser.id, colleague.id}
        assert [u.id for u in meeting.named_members] == [invitee.id]
        action = db.session.get(ActionItem, action_id)
        assert (action.title, action.assignee_id) == ("Relancer les bailleurs sociaux", invitee.id)
