"""What members hear about events: new events of a kind or territory they follow, changes, cancellations,
waiting-list promotion, and the J-7 / J-1 reminders (each once, moved with the event)."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from network_space.accounts.models import Territory, User
from network_space.core.models import utcnow
from network_space.core.outbox import deliver_pending
from network_space.core.scheduler import ScheduledJob, run_due_jobs
from network_space.events import services
from network_space.events.models import Event, EventKind
from network_space.extensions import db
from network_space.notifications.models import Notification
from network_space.notifications.services import follow
from tests.helpers import csrf_token
from network_space.core.dates import fmt_span, paris_today


def _input(event: Event, **changes) -> services.EventInput:
    data = services.EventInput(title=event.title, kind=event.kind, starts_at=event.starts_at, ends_at=event.ends_at,
                               all_day=event.all_day, place=event.place, territory_id=event.territory_id,
                               capacity=event.capacity, organiser_ids=[u.id for u in event.organisers])
    for name, value in changes.items():
        setattr(data, name, value)
    return data


def _jobs(event_id: int) -> dict[str, ScheduledJob]:
    rows = db.session.scalars(select(ScheduledJob).where(ScheduledJob.key.like(f"event:{event_id}:%")))
    return {job.key: job for job in rows}


def _kind(code: str) -> EventKind:
    return db.session.scalar(select(EventKind).where(EventKind.code == code))


def test_followed_kinds_and_territories_choose_who_hears_about_new_events(client, login_as, make_user, app):
    with app.app_context():
        vercors = Territory(name="CC du Massif du Vercors (test)", sector="sud")
        trieves = Territory(name="CC du Trièves (test)", sector="sud")
        db.session.add_all([vercors, trieves])
        db.session.commit()
        vercors_id, trieves_id = vercors.id, trieves.id
    by_territory = login_as("member")
    token = csrf_token(client.get("/events/mon-agenda").get_data(as_text=True))
    response = client.post("/events/mon-agenda/suivis", data={"csrf_token": token, "territory_ids": str(vercors_id)})
    assert response.status_code == 302
    page = client.get("/events/mon-agenda").get_data(as_text=True)
    assert re.search(r'<input checked id="territory_ids-\d+" name="territory_ids" type="checkbox" value="%d">' % vercors_id, page)
    assert 'value="%d">' % trieves_id in page
    by_kind, both, everything, nothing = make_user(), make_user(), make_user(), make_user()
    with app.app_context():
        vercors = db.session.get(Territory, vercors_id)
        follow(db.session.get(User, by_kind.id), _kind("site_visit"))
        follow(db.session.get(User, both.id), _kind("site_visit"))
        follow(db.session.get(User, both.id), vercors)
        for kind in db.session.scalars(select(EventKind)):
            follow(db.session.get(User, everything.id), kind)
        db.session.commit()
        creator = db.session.get(User, make_user("coanimator").id)
        start = utcnow() + timedelta(days=30)
        services.create_event(services.EventInput(title="Visite chantier Villard-de-Lans", kind="site_visit",
                                                  starts_at=start, ends_at=start + timedelta(hours=2),
                                                  territory_id=vercors_id), creator)
        db.session.commit()
        services.create_event(services.EventInput(title="Forum Mens", kind="forum", starts_at=start,
                                                  ends_at=start + timedelta(hours=2), territory_id=trieves_id), creator)
        db.session.commit()
        told = {}
        for n in db.session.scalars(select(Notification).where(Notification.kind == "event.created")):
            told.setdefault(n.user_id, []).append(n.title)
    assert told[by_territory.id] == ["Visite chantier Villard-de-Lans"]
    assert told[by_kind.id] == ["Visite chantier Villard-de-Lans"]
    assert told[both.id] == ["Visite chantier Villard-de-Lans"]  # kind and territory: told once
    assert sorted(told[everything.id]) == ["Forum Mens", "Visite chantier Villard-de-Lans"]
    assert nothing.id not in told


def test_all_kinds_choice_follows_every_kind(client, login_as, app):
    with app.app_context():
        closed = Territory(name="Ancien territoire (test)", sector="nord", active=False)
        db.session.add(closed)
        db.session.commit()
        closed_id = closed.id
    me = login_as("member")
    with app.app_context():
        follow(db.session.get(User, me.id), db.session.get(Territory, closed_id))
        db.session.commit()
    token = csrf_token(client.get("/events/mon-agenda").get_data(as_text=True))
    # "Tous les types" wins over the boxes (without JavaScript, they may not all be ticked).
    client.post("/events/mon-agenda/suivis", data={"csrf_token": token, "all_kinds": "y", "kind_ids": []})
    with app.app_context():
        user = db.session.get(User, me.id)
        assert services.followed_kinds_and_territories(user) == (
            set(db.session.scalars(select(EventKind.id))), {closed_id})
    page = client.get("/events/mon-agenda").get_data(as_text=True)
    assert re.search(r'<input checked id="all_kinds" name="all_kinds" type="checkbox"', page)
    assert '<label for="all_kinds">Tous les types d\'événements</label>' in page

    with app.app_context():
        forum_id = _kind("forum").id
    client.post("/events/mon-agenda/suivis", data={"csrf_token": token, "kind_ids": str(forum_id)})
    with app.app_context():
        # The inactive territory is not offered, so its follow is left alone.
        assert services.followed_kinds_and_territories(db.session.get(User, me.id)) == ({forum_id}, {closed_id})
    page = client.get("/events/mon-agenda").get_data(as_text=True)
    assert not re.search(r'<input checked id="all_kinds"', page)
    response = client.post("/events/mon-agenda/suivis", data={"csrf_token": token, "kind_ids": "999999"})
    assert response.status_code == 302
    assert "Choix invalide" in client.get("/events/mon-agenda").get_data(as_text=True)


def test_reminders_j7_and_j1_sent_once(ctx, make_user, make_event, smtp):
    event_id = make_event(days_ahead=20)
    registrant = db.session.get(User, make_user().id)
    waiting = db.session.get(User, make_user().id)
    event = db.session.get(Event, event_id)
    event.capacity = 1
    db.session.commit()
    services.register(event_id, registrant)
    services.register(event_id, waiting)
    organiser = db.session.get(User, make_user("coanimator").id)
    services.update_event(event_id, _input(db.session.get(Event, event_id)), organiser)
    db.session.commit()
    jobs = _jobs(event_id)
    assert set(jobs) == {f"event:{event_id}:reminder:j-7", f"event:{event_id}:reminder:j-1"}
    starts_at = db.session.get(Event, event_id).starts_at
    assert jobs[f"event:{event_id}:reminder:j-7"].run_at == starts_at - timedelta(days=7)

    run_due_jobs(now=starts_at - timedelta(days=7) + timedelta(minutes=1))
    run_due_jobs(now=starts_at - timedelta(days=7) + timedelta(minutes=2))
    deliver_pending()
    assert [m["Subject"] for m in smtp.to(registrant.email)] == ["Dans 7 jours : Job dating chantier Les Tilleuls"]
    assert not smtp.to(waiting.email)
    run_due_jobs(now=starts_at - timedelta(hours=23))
    deliver_pending()
    subjects = [m["Subject"] for m in smtp.to(registrant.email)]
    assert subjects == ["Dans 7 jours : Job dating chantier Les Tilleuls", "Demain : Job dating chantier Les Tilleuls"]
    body = smtp.to(registrant.email)[1].get_body(("plain",)).get_content()
    assert "demain" in body
    # The day once, then the hours (not the date written again after a dash).
    assert re.search(r"(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche) [^,\n]*, de \d\d:\d\d à \d\d:\d\d", body), body


def test_a_moved_event_s_message_says_when_it_was(ctx, make_user, make_event, smtp):
    event_id = make_event(day=paris_today() + timedelta(days=40))
    registered = db.session.get(User, make_user().id)
    services.register(event_id, registered)
    organiser = db.session.get(User, make_user("coanimator").id)
    event = db.session.get(Event, event_id)
    was = fmt_span(event.starts_at, event.ends_at, event.all_day)
    later = event.starts_at + timedelta(days=7)
    services.update_event(event_id, _input(event, starts_at=later, ends_at=later + timedelta(hours=2)), organiser)
    db.session.commit()
    deliver_pending()
    [message] = smtp.to(registered.email)
    text = message.get_body(("plain",)).get_content()
    now = fmt_span(later, later + timedelta(hours=2))
    assert f"Quand : {now} (au lieu de : {was})" in text, text


def test_moving_the_event_moves_its_reminders_and_cancelling_drops_them(ctx, make_user, make_event):
    organiser = db.session.get(User, make_user("coanimator").id)
    start = utcnow() + timedelta(days=30)
    event = services.create_event(services.EventInput(title="Rencontre acheteurs", kind="buyers_meeting",
                                                      starts_at=start, ends_at=start + timedelta(hours=2)), organiser)
    db.session.commit()
    event_id = event.id
    later = start + timedelta(days=3)
    services.update_event(event_id, _input(db.session.get(Event, event_id), starts_at=later,
                                           ends_at=later + timedelta(hours=2)), organiser)
    db.session.commit()
    assert _jobs(event_id)[f"event:{event_id}:reminder:j-1"].run_at == later - timedelta(days=1)
    # Moved to within a week: the J-7 reminder is no longer due.
    soon = utcnow() + timedelta(days=3)
    services.update_event(event_id, _input(db.session.get(Event, event_id), starts_at=soon,
                                           ends_at=soon + timedelta(hours=2)), organiser)
    db.session.commit()
    assert set(_jobs(event_id)) == {f"event:{event_id}:reminder:j-1"}
    services.cancel_event(db.session.get(Event, event_id), "Reporté", organiser)
    db.session.commit()
    assert _jobs(event_id) == {}


def test_change_and_cancellation_reach_registrants_and_waiting_list(ctx, make_user, make_event, smtp):
    event_id = make_event(day=paris_today() + timedelta(days=40), capacity=1)
    registered = db.session.get(User, make_user().id)
    waiting = db.session.get(User, make_user().id)
    services.register(event_id, registered)
    services.register(event_id, waiting)
    organiser = db.session.get(User, make_user("coanimator").id)
    event = db.session.get(Event, event_id)
    services.update_event(event_id, _input(event, place="Maison de l'emploi, Vienne"), organiser)
    db.session.commit()
    services.cancel_event(db.session.get(Event, event_id), "Intempéries", organiser)
    db.session.commit()
    deliver_pending()
    for user in (registered, waiting):
        subjects = [m["Subject"] for m in smtp.to(user.email)]
        assert subjects == ["Changement : Job dating chantier Les Tilleuls", "Annulé : Job dating chantier Les Tilleuls"]
    changed = smtp.to(registered.email)[0].get_body(("plain",)).get_content()
    # What changed, beside what it was: no place was given before.
    assert "Lieu : Maison de l'emploi, Vienne (au lieu de : non précisé)" in changed
    body = smtp.to(registered.email)[1].get_body(("plain",)).get_content()
    assert "Intempéries" in body
    assert not smtp.to(organiser.email)
    # The change updates the calendar's copy; the cancellation removes it (METHOD:CANCEL: a PUBLISH
    # with STATUS:CANCELLED would add it to a calendar that never had it).
    calendars = [[p.get_payload(decode=True) for p in m.walk() if p.get_content_type() == "text/calendar"]
                 for m in smtp.to(registered.email)]
    assert b"METHOD:PUBLISH\r\n" in calendars[0][0]
    assert b"METHOD:CANCEL\r\n" in calendars[1][0] and b"STATUS:CANCELLED\r\n" in calendars[1][0]
    cancel_part = next(p for p in smtp.to(registered.email)[1].walk() if p.get_content_type() == "text/calendar")
    assert cancel_part.get_param("method") == "CANCEL"


def test_registrants_hear_of_changes_cancellation_and_promotion_whatever_their_preference(
        ctx, client, login_as, make_user, make_event, smtp):
    """A member who set events to "nothing" or to a digest still holds a place others may need:
    the change, the cancellation and the place freed for them arrive at once; reminders follow
    the preference."""
    from network_space.notifications.services import set_preferences

    event_id = make_event(day=paris_today() + timedelta(days=40), capacity=1)
    registered = db.session.get(User, make_user().id)
    waiting = db.session.get(User, make_user().id)
    set_preferences(registered, {"events": "none"})
    set_preferences(waiting, {"events": "weekly"})
    services.register(event_id, registered)
    services.register(event_id, waiting)
    organiser = db.session.get(User, make_user("coanimator").id)
    services.update_event(event_id, _input(db.session.get(Event, event_id), place="Maison de l'emploi"), organiser)
    db.session.commit()
    services.unregister(event_id, registered)
    run_due_jobs(now=db.session.get(Event, event_id).starts_at - timedelta(days=1))
    db.session.commit()
    deliver_pending()
    assert [m["Subject"] for m in smtp.to(registered.email)] == ["Changement : Job dating chantier Les Tilleuls"]
    assert [m["Subject"] for m in smtp.to(waiting.email)] == [
        "Changement : Job dating chantier Les Tilleuls", "Une place s'est libérée : Job dating chantier Les Tilleuls"]
    # No unsubscribe link on a message that cannot be turned off.
    assert all("List-Unsubscribe" not in m for m in smtp.to(waiting.email))

    login_as("member")
    page = " ".join(client.get("/notifications/settings").get_data(as_text=True).split())
    assert ("Toujours envoyés par email, quel que soit votre choix : Événement modifié (vous êtes inscrit·e ou en "
            "attente), Événement annulé (vous êtes inscrit·e ou en attente), Place obtenue (liste d&#39;attente), "
            "Inscription par un organisateur, Inscription retirée par un organisateur.") in page
