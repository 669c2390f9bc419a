"""Creating, editing, duplicating and cancelling events; permissions; DST."""
from __future__ import annotations

import html as htmllib
import re
from datetime import date, datetime, timezone

from sqlalchemy import func, select

from network_space.core.models import utcnow
from network_space.core.outbox import OutboxMessage
from network_space.events.models import Event, Registration
from network_space.extensions import db
from tests.helpers import checked_values, csrf_token


def _form_data(client, url, **fields):
    data = {
        "csrf_token": csrf_token(client.get(url).get_data(as_text=True)),
        "title": "Job dating chantier Les Tilleuls",
        "kind": "forum",
        "description": "Rencontre **entreprises** et candidats.",
        "start_date": "2027-03-10",
        "start_time": "09:30",
        "end_time": "12:00",
        "place": "Salle des fêtes, Voiron",
        "territory_id": "0",
        "capacity": "20",
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def test_coanimator_creates_event_with_paris_times(client, login_as, app):
    user = login_as("coanimator")
    response = client.post("/events/nouveau", data=_form_data(client, "/events/nouveau", organiser_ids=str(user.id)))
    assert response.status_code == 302
    with app.app_context():
        event = db.session.scalar(select(Event))
        # 10 March 2027 is winter time: Paris is UTC+1.
        assert event.starts_at == datetime(2027, 3, 10, 8, 30, tzinfo=timezone.utc)
        assert event.ends_at == datetime(2027, 3, 10, 11, 0, tzinfo=timezone.utc)
        assert [u.id for u in event.organisers] == [user.id]
        assert event.capacity == 20
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Job dating chantier Les Tilleuls" in page
    assert "<strong>entreprises</strong>" in page
    assert "mercredi 10 mars 2027" in page and "09:30" in page


def test_summer_time_is_handled(client, login_as, app):
    login_as("coanimator")
    client.post("/events/nouveau", data=_form_data(client, "/events/nouveau", start_date="2027-07-01",
                                                    start_time="10:00", end_time="11:00"))
    with app.app_context():
        event = db.session.scalar(select(Event))
        assert event.starts_at == datetime(2027, 7, 1, 8, 0, tzinfo=timezone.utc)


def test_all_day_event_over_several_days(client, login_as, app):
    login_as("coanimator")
    response = client.post("/events/nouveau", data=_form_data(
        client, "/events/nouveau", all_day="y", start_date="2027-03-27", end_date="2027-03-28",
        start_time=None, end_time=None))
    assert response.status_code == 302
    with app.app_context():
        event = db.session.scalar(select(Event))
        assert event.all_day
        # The DST change happens in the night of 27 to 28 March 2027: the end is still Paris midnight.
        assert event.starts_at == datetime(2027, 3, 26, 23, 0, tzinfo=timezone.utc)
        assert event.ends_at == datetime(2027, 3, 28, 22, 0, tzinfo=timezone.utc)
        assert (event.first_day, event.last_day) == (date(2027, 3, 27), date(2027, 3, 28))


def test_invalid_input_gives_french_errors_and_keeps_input(client, login_as, app):
    login_as("coanimator")
    response = client.post("/events/nouveau", data=_form_data(
        client, "/events/nouveau", end_time="08:00", title="Forum emploi", start_date="pas une date"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Indiquez une date valide (jour, mois, année)." in page
    assert 'value="Forum emploi"' in page
    response = client.post("/events/nouveau", data=_form_data(client, "/events/nouveau", end_time="08:00"))
    assert "La fin doit être après le début." in response.get_data(as_text=True)
    response = client.post("/events/nouveau", data=_form_data(client, "/events/nouveau", title="x" * 201,
                                                               capacity="-3", territory_id="abc"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "200 caractères au maximum." in page
    assert "Indiquez un nombre entre 1 et 100 000." in page
    response = client.post("/events/nouveau", data=_form_data(
        client, "/events/nouveau", registration_deadline="2027-03-11T10:00"))
    assert "La date limite d'inscription doit précéder le début." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Event)) is None


def test_members_cannot_create_but_organisers_can_edit(client, login_as, make_user, make_event):
    member = login_as("member")
    assert client.get("/events/nouveau").status_code == 403
    other = make_event()
    assert client.get(f"/events/{other}/modifier").status_code == 403
    assert client.get(f"/events/{other}/inscrits").status_code == 403
    assert client.get(f"/events/{other}/annuler").status_code == 403
    mine = make_event(organisers=[member])
    assert client.get(f"/events/{mine}/modifier").status_code == 200
    assert client.get(f"/events/{mine}/inscrits").status_code == 200


def test_anonymous_is_sent_to_login(client, make_event):
    event_id = make_event()
    for url in ("/events/", f"/events/{event_id}", f"/events/{event_id}.ics", "/events/mon-agenda"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_deactivated_member_is_refused(client, login_as, make_event):
    login_as("member", active=False)
    response = client.get("/events/")
    assert response.status_code == 302


def test_duplicate_prefills_everything_but_dates(client, login_as, make_event):
    user = login_as("coanimator")
    source = make_event(title="Visite chantier ZAC Bouchayer", kind="site_visit", place="Grenoble",
                        capacity=12, organisers=[user])
    response = client.get(f"/events/{source}/dupliquer")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'value="Visite chantier ZAC Bouchayer"' in page
    assert 'value="Grenoble"' in page and 'value="12"' in page
    assert 'name="start_date" required type="date" value=""' in page
    assert 'name="start_time" type="time" value="09:30"' in page


def test_edit_of_time_notifies_registrants_and_bumps_sequence(client, login_as, make_user, make_event, app):
    coanimator = login_as("coanimator")
    registrant = make_user()
    event_id = make_event(day=date(2027, 5, 4), organisers=[coanimator])
    with app.app_context():
        db.session.add(Registration(event_id=event_id, user_id=registrant.id, status="registered"))
        db.session.commit()
    url = f"/events/{event_id}/modifier"
    response = client.post(url, data=_form_data(client, url, start_date="2027-05-04", start_time="14:00",
                                                 end_time="16:00", organiser_ids=str(coanimator.id)))
    assert response.status_code == 302
    with app.app_context():
        event = db.session.get(Event, event_id)
        assert event.sequence == 1
        messages = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == registrant.email)).all()
        assert len(messages) == 1
        assert "Changement" in messages[0].subject
        assert "14:00" in messages[0].text_body


def test_cancel_requires_reason_and_notifies(client, login_as, make_user, make_event, app):
    coanimator = login_as("coanimator")
    registrant = make_user()
    event_id = make_event(organisers=[coanimator])
    with app.app_context():
        db.session.add(Registration(event_id=event_id, user_id=registrant.id, status="registered"))
        db.session.commit()
    url = f"/events/{event_id}/annuler"
    response = client.post(url, data={"csrf_token": csrf_token(client.get(url).get_data(as_text=True)), "reason": ""})
    assert "Ce champ est obligatoire." in response.get_data(as_text=True)
    response = client.post(url, data={"csrf_token": csrf_token(client.get(url).get_data(as_text=True)),
                                      "reason": "Chantier reporté par le bailleur"})
    assert response.status_code == 302
    page = client.get(f"/events/{event_id}").get_data(as_text=True)
    assert "Annulé" in page and "Chantier reporté par le bailleur" in page
    with app.app_context():
        event = db.session.get(Event, event_id)
        assert event.status == "cancelled" and event.sequence == 1
        message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == registrant.email))
        assert "Annulé" in message.subject and "Chantier reporté" in message.text_body


def test_unknown_event_is_404(client, login_as):
    login_as("member")
    assert client.get("/events/999999").status_code == 404


def test_past_event_closed_for_registration(client, login_as, make_event):
    login_as("member")
    event_id = make_event(days_ahead=-3)
    page = client.get(f"/events/{event_id}").get_data(as_text=True)
    assert "déjà commencé ou est passé" in page
    assert utcnow()  # the clock is real: the event above is in the past


def test_partner_organisations_from_the_directory(client, login_as, app, make_event):
    from network_space.directory.models import Organisation, OrganisationKind

    login_as("coanimator")
    with app.app_context():
        landlord_kind = OrganisationKind(name="Bailleur social", slug="bailleur-social-t", group="buyer")
        esat_kind = OrganisationKind(name="ESAT", slug="esat-t", group="disability")
        db.session.add_all([landlord_kind, esat_kind])
        db.session.flush()
        landlord = Organisation(name="Habitat Dauphinois (fictif)", kind_id=landlord_kind.id)
        esat = Organisation(name="ESAT Horizons (fictif)", kind_id=esat_kind.id)
        db.session.add_all([landlord, esat])
        db.session.commit()
        landlord_id, esat_id = landlord.id, esat.id
    form_page = client.get("/events/nouveau").get_data(as_text=True)
    assert re.search(r'<p class="checkbox-group" id="partner_ids-group-\d+">Bailleur social</p>', form_page)
    response = client.post("/events/nouveau", data=_form_data(
        client, "/events/nouveau", partner_ids=[str(landlord_id), str(esat_id)], start_date="2027-04-08"))
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Habitat Dauphinois (fictif)" in page and f'href="/directory/{esat_id}"' in page
    make_event(day=date(2027, 4, 9), title="Sans partenaire")
    month = client.get(f"/events/?date=2027-04&organisation={landlord_id}").get_data(as_text=True)
    assert "Job dating chantier Les Tilleuls" in month and "Sans partenaire" not in month
    # The organisation's page in the directory links back to the event.
    org_page = client.get(f"/directory/{landlord_id}").get_data(as_text=True)
    assert "Job dating chantier Les Tilleuls" in org_page


def test_linked_library_resources_respect_their_visibility(client, login_as, make_user, make_event, app):
    from network_space.library.models import Resource

    coanimator = login_as("coanimator")
    with app.app_context():
        shared = Resource(kind="link", title="Programme du job dating", url="https://example.org/programme",
                          visibility="members")
        internal = Resource(kind="note", title="Notes internes co-animation", body="…", visibility="coanimators")
        db.session.add_all([shared, internal])
        db.session.commit()
        shared_id, internal_id = shared.id, internal.id
    member = make_user()
    event_id = make_event(organisers=[coanimator, member], day=date(2027, 5, 20))
    url = f"/events/{event_id}/modifier"
    response = client.post(url, data=_form_data(client, url, start_date="2027-05-20",
                                                 resource_ids=[str(shared_id), str(internal_id)],
                                                 organiser_ids=[str(coanimator.id), str(member.id)]))
    assert response.status_code == 302
    page = client.get(f"/events/{event_id}").get_data(as_text=True)
    assert "Programme du job dating" in page and "Notes internes co-animation" in page

    login_as(member)
    page = client.get(f"/events/{event_id}").get_data(as_text=True)
    assert "Programme du job dating" in page and "Notes internes co-animation" not in page
    form_page = client.get(url).get_data(as_text=True)
    assert "Notes internes co-animation" not in form_page
    # The member organiser edits the event: the link they cannot see survives.
    response = client.post(url, data=_form_data(client, url, start_date="2027-05-20", resource_ids=[str(shared_id)],
                                                 organiser_ids=[str(coanimator.id), str(member.id)], place="Voiron"))
    assert response.status_code == 302
    with app.app_context():
        assert sorted(r.id for r in db.session.get(Event, event_id).resources) == sorted([shared_id, internal_id])
    # And cannot link it by forging the form.
    response = client.post(url, data=_form_data(client, url, start_date="2027-05-20",
                                                 resource_ids=[str(shared_id), str(internal_id)],
                                                 organiser_ids=[str(coanimator.id), str(member.id)]))
    assert response.status_code == 200


def test_editing_keeps_an_organiser_deactivated_and_a_partner_archived_since(client, login_as, make_user, make_event, app):
    """Saving an unrelated change must not drop them: they stay listed, chosen, and saved."""
    from network_space.accounts.models import User
    from network_space.directory.models import Organisation, OrganisationKind

    coanimator = login_as("coanimator")
    colleague = make_user("member", full_name="Julien Parti")
    event_id = make_event(organisers=[coanimator, colleague], day=date(2027, 5, 20))
    with app.app_context():
        kind = db.session.scalar(select(OrganisationKind)) or OrganisationKind(name="ESAT", slug="esat", group="siae")
        partner = Organisation(name="ESAT Horizons", kind=kind)
        db.session.add(partner)
        db.session.get(Event, event_id).partners = [partner]
        db.session.commit()
        partner_id = partner.id
        db.session.get(User, colleague.id).active = False
        db.session.get(Organisation, partner_id).active = False
        db.session.commit()
    url = f"/events/{event_id}/modifier"
    page = client.get(url).get_data(as_text=True)
    assert str(colleague.id) in checked_values(page, "organiser_ids") and "Julien Parti" in page
    assert "ESAT Horizons" in page
    response = client.post(url, data=_form_data(client, url, start_date="2027-05-20", description="Nouveau texte",
                                                 organiser_ids=[str(coanimator.id), str(colleague.id)],
                                                 partner_ids=[str(partner_id)]))
    assert response.status_code == 302
    with app.app_context():
        event = db.session.get(Event, event_id)
        assert {u.id for u in event.organisers} == {coanimator.id, colleague.id}
        assert [o.id for o in event.partners] == [partner_id]


def test_a_deleted_resource_leaves_no_link_for_the_next_one_to_inherit(app, make_event):
    """On either database the foreign keys hold (SQLite enforces them only with its pragma, set
    on every connection): deleting a resource removes its links, and the next resource, which
    SQLite numbers with the freed id, is linked to nothing."""
    from network_space.library.models import Resource

    event_id = make_event()
    with app.app_context():
        resource = Resource(kind="link", title="Programme", url="https://example.org/p", visibility="members")
        db.session.add(resource)
        db.session.get(Event, event_id).resources = [resource]
        db.session.commit()
        db.session.delete(resource)
        db.session.commit()
        db.session.add(Resource(kind="link", title="Autre chose", url="https://example.org/a", visibility="members"))
        db.session.commit()
        db.session.expire_all()
        assert db.session.get(Event, event_id).resources == []


def test_a_time_the_change_to_summer_time_skips_is_refused(client, login_as, app):
    """02:30 does not exist in Paris on 28 March 2027: it was silently moved to 03:30."""
    user = login_as("coanimator")
    response = client.post("/events/nouveau", data=_form_data(client, "/events/nouveau", start_date="2027-03-28",
                                                               start_time="02:30", end_time="04:00",
                                                               organiser_ids=str(user.id)))
    assert response.status_code == 200
    assert "Cette heure n'existe pas ce jour-là (passage à l'heure d'été" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Event)) is None


def test_fewer_places_than_registrants_unregisters_nobody_and_says_so(client, login_as, make_user, make_event, app):
    coanimator = login_as("coanimator")
    event_id = make_event(organisers=[coanimator], day=date(2027, 5, 20), capacity=5)
    with app.app_context():
        db.session.add_all(Registration(event_id=event_id, user_id=make_user().id) for _ in range(3))
        db.session.commit()
    url = f"/events/{event_id}/modifier"
    response = client.post(url, data=_form_data(client, url, start_date="2027-05-20", capacity="2",
                                                 organiser_ids=[str(coanimator.id)]), follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Il y a plus d&#39;inscrits que de places (3 pour 2) : personne n&#39;est désinscrit." in page
    with app.app_context():
        assert db.session.scalar(select(func.count(Registration.id)).where(Registration.event_id == event_id)) == 3


def test_an_event_that_has_begun_is_not_cancelled(client, login_as, make_user, make_event, app):
    """Its registrants came or are there: an « Annulé » email would be false, and the attendance
    recorded would vanish from its page. The button is gone, the form refuses."""
    coanimator = login_as("coanimator")
    registrant = make_user()
    event_id = make_event(organisers=[coanimator], days_ahead=-1)
    with app.app_context():
        db.session.add(Registration(event_id=event_id, user_id=registrant.id, status="registered"))
        db.session.commit()
    assert "Annuler l&#39;événement" not in client.get(f"/events/{event_id}").get_data(as_text=True)
    url = f"/events/{event_id}/annuler"
    response = client.post(url, data={"csrf_token": csrf_token(client.get(url).get_data(as_text=True)),
                                      "reason": "Oubli"})
    assert "L'événement a commencé : il ne s'annule plus." in htmllib.unescape(response.get_data(as_text=True))
    with app.app_context():
        assert db.session.get(Event, event_id).status != "cancelled"
        assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == registrant.email)) is None
