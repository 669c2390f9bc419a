"""An organisation a guest's inviter typed by hand goes into the partner directory from the guest
list, and the guest is then linked to it."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from network_space.core.audit import AuditEntry
from network_space.directory.models import Organisation, OrganisationRevision
from network_space.extensions import db
from network_space.guests.models import Guest, GuestLink
from tests.directory.conftest import make_org, reference  # noqa: F401 - the fixtures
from tests.helpers import csrf_token


def test_typed_organisation_added_to_the_directory_from_the_guest_list(app, client, login_as, make_event,
                                                                        invite_guest, reference):
    kinds, _ = reference
    organiser = login_as("coanimator")
    event_id = make_event(capacity=5)
    link_id, _ = invite_guest(event_id=event_id, organisation="Alpes Isère Habitat")
    # Someone else at the same landlord, typed with other capitals, for another event.
    other_id, _ = invite_guest(event_id=make_event(capacity=5), email="r.blanc@bailleur.example", name="Rémi Blanc",
                               organisation="ALPES ISÈRE HABITAT")

    listing = client.get(f"/events/{event_id}/invites").get_data(as_text=True)
    assert f'href="/invites/{link_id}/annuaire"' in listing
    form_page = client.get(f"/invites/{link_id}/annuaire").get_data(as_text=True)
    assert "value=\"Alpes Isère Habitat\"" in form_page, form_page[form_page.find("<main"):][:3000]
    assert "chef.chantier@bailleur.example" in form_page

    # The directory needs a type: refused with the reason, the name kept as typed.
    refused = client.post(f"/invites/{link_id}/annuaire", data={
        "csrf_token": csrf_token(form_page), "name": "Alpes Isère Habitat (OPH)", "kind": "0", "with_contact": "y"})
    assert refused.status_code == 400
    text = refused.get_data(as_text=True)
    assert "Choisissez le type d'organisation." in text and 'value="Alpes Isère Habitat (OPH)"' in text

    done = client.post(f"/invites/{link_id}/annuaire", data={
        "csrf_token": csrf_token(form_page), "name": "Alpes Isère Habitat (OPH)",
        "kind": str(kinds["bailleur-social"]), "with_contact": "y"})
    assert done.status_code == 302
    with app.app_context():
        organisation = db.session.scalar(select(Organisation))
        assert done.headers["Location"] == f"/directory/{organisation.id}/edit"  # to complete its record
        assert organisation.name == "Alpes Isère Habitat (OPH)" and organisation.kind.slug == "bailleur-social"
        assert [(c.name, c.email) for c in organisation.contacts] == [("Léa Martin", "chef.chantier@bailleur.example")]
        lea, remi = db.session.get(GuestLink, link_id).guest, db.session.get(GuestLink, other_id).guest
        assert (lea.organisation_id, lea.organisation_typed, lea.contact_id) == (
            organisation.id, None, organisation.contacts[0].id)
        assert (remi.organisation_id, remi.organisation_typed) == (organisation.id, None)
        assert db.session.scalar(select(OrganisationRevision.action)) == "create"  # the directory's history
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "guest.add_organisation"))
        assert entry.actor_id == organiser.id and "Alpes Isère Habitat (OPH)" in entry.detail
    listing = client.get(f"/events/{event_id}/invites").get_data(as_text=True)
    assert f"/invites/{link_id}/annuaire" not in listing and "Alpes Isère Habitat (OPH)" in listing
    # Nothing left to add: the page sends back to the list.
    assert client.get(f"/invites/{link_id}/annuaire").status_code == 302


def test_an_organisation_already_in_the_directory_is_linked_not_duplicated(app, client, login_as, make_event,
                                                                          invite_guest, make_org, reference):
    kinds, _ = reference
    existing_id = make_org("ESAT Les Ateliers du Drac")
    login_as("coanimator")
    event_id = make_event(capacity=5)
    link_id, _ = invite_guest(event_id=event_id, name="Marc Roux", email="m.roux@esat.example",
                              organisation="esat les ateliers du drac")
    page = client.get(f"/invites/{link_id}/annuaire").get_data(as_text=True)
    done = client.post(f"/invites/{link_id}/annuaire", data={
        "csrf_token": csrf_token(page), "name": "ESAT les Ateliers du Drac", "kind": str(kinds["esat"]),
        "with_contact": "y"})
    assert done.headers["Location"] == f"/events/{event_id}/invites"
    with app.app_context():
        assert db.session.scalar(select(func.count(Organisation.id))) == 1
        organisation = db.session.get(Organisation, existing_id)
        assert [c.email for c in organisation.contacts] == ["m.roux@esat.example"]
        assert db.session.scalar(select(Guest.organisation_id)) == existing_id


def test_only_those_who_manage_the_guests_add_their_organisation(app, client, login_as, make_event, invite_guest,
                                                                 reference):
    kinds, _ = reference
    event_id = make_event(capacity=5)
    link_id, _ = invite_guest(event_id=event_id)
    login_as("member")
    assert client.get(f"/invites/{link_id}/annuaire").status_code == 403
    page = client.get("/directory/new").get_data(as_text=True)
    response = client.post(f"/invites/{link_id}/annuaire", data={
        "csrf_token": csrf_token(page), "name": "Alpes Isère Habitat", "kind": str(kinds["bailleur-social"])})
    assert response.status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count(Organisation.id))) == 0


def test_the_invitation_list_offers_only_contacts_not_yet_invited(app, client, login_as, make_event, make_org):
    """A contact already invited is in the guest list, not among the contacts to tick; once their
    link is revoked they may be invited again."""
    from network_space.directory.models import OrganisationContact

    login_as("coanimator")
    event_id = make_event(capacity=5)
    org_id = make_org(name="Habitat du Trièves", kind="bailleur-social")
    with app.app_context():
        lea = OrganisationContact(organisation_id=org_id, name="Léa Martin", email="Lea.Martin@Bailleur.example")
        remi = OrganisationContact(organisation_id=org_id, name="Rémi Blanc", email="r.blanc@bailleur.example")
        db.session.add_all([lea, remi])
        db.session.commit()
        lea_id, remi_id = lea.id, remi.id
    url = f"/events/{event_id}/invites"

    def offered() -> set[int]:
        page = client.get(url).get_data(as_text=True)
        return {int(v) for v in re.findall(r'<input type="checkbox" name="contact_ids" value="(\d+)"', page)}

    assert {lea_id, remi_id} <= offered()
    page = client.get(url).get_data(as_text=True)
    assert client.post(url, data={"csrf_token": csrf_token(page), "contact_ids": str(lea_id),
                                  "organisation_id": "0"}).status_code == 302
    assert remi_id in offered() and lea_id not in offered()
    with app.app_context():
        link_id = db.session.scalar(select(GuestLink.id))
    page = client.get(url).get_data(as_text=True)
    assert client.post(f"/invites/{link_id}/revoquer", data={"csrf_token": csrf_token(page)}).status_code == 302
    assert {lea_id, remi_id} <= offered()
