"""Directory pages: add, edit, show, list with combined filters and counts, history, revert,
permissions, notifications, bounded queries."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from network_space.directory.demo import fictional_siret
from network_space.extensions import db
from tests.helpers import count_queries, csrf_token


def _form_payload(html: str, **values) -> dict:
    data = {"csrf_token": csrf_token(html), "name": "ESAT du Test (fictif)", "kind": "", "siret": "",
            "contacts-0-name": "", "territory": "0"}
    data.update(values)
    return data


def test_anonymous_is_sent_to_login(client):
    response = client.get("/directory/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_member_adds_an_organisation_with_formatted_siret(app, client, login_as, reference):
    kinds, territories = reference
    login_as("member")
    page = client.get("/directory/new")
    assert page.status_code == 200
    siret = fictional_siret(7)
    spaced = f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"
    response = client.post("/directory/new", data=_form_payload(
        page.get_data(as_text=True), kind=str(kinds["esat"]), siret=spaced, services=["service", "goods"],
        served_territories=[str(territories["CAPI"])], **{"contacts-0-name": "Camille Test", "contacts-0-role": "Directrice"},
    ))
    assert response.status_code == 302
    from network_space.directory.models import Organisation

    with app.app_context():
        org = db.session.scalar(select(Organisation))
        assert org.siret == siret and org.service_codes == ["service", "goods"]
        assert [c.name for c in org.contacts] == ["Camille Test"]
        assert [t.short_name for t in org.served_territories] == ["CAPI"]
        org_id = org.id
    show = client.get(f"/directory/{org_id}").get_data(as_text=True)
    assert spaced in show and "Camille Test" in show


def test_invalid_and_duplicate_siret_are_field_errors(app, client, login_as, reference, make_org):
    kinds, _ = reference
    make_org(name="Existante", siret=fictional_siret(3))
    login_as("member")
    page = client.get("/directory/new").get_data(as_text=True)
    bad = client.post("/directory/new", data=_form_payload(page, kind=str(kinds["ea"]), siret="73282932000079"))
    assert bad.status_code == 200 and "clé de contrôle" in bad.get_data(as_text=True)
    assert 'value="Test' not in bad.get_data(as_text=True)  # input kept: the typed name is shown
    assert "ESAT du Test (fictif)" in bad.get_data(as_text=True)
    duplicate = client.post("/directory/new", data=_form_payload(page, kind=str(kinds["ea"]), siret=fictional_siret(3)))
    assert "déjà celui de « Existante »" in duplicate.get_data(as_text=True)
    too_long = client.post("/directory/new", data=_form_payload(page, kind=str(kinds["ea"]), name="x" * 500))
    assert "200 caractères au maximum" in too_long.get_data(as_text=True)
    no_kind = client.post("/directory/new", data=_form_payload(page, kind="0"))
    assert "Choisissez un type" in no_kind.get_data(as_text=True)
    bogus_kind = client.post("/directory/new", data=_form_payload(page, kind="abc"))
    assert bogus_kind.status_code == 200
    nul = client.post("/directory/new", data=_form_payload(page, kind=str(kinds["ea"]), name="A\x00B", commune="X\x00"))
    assert nul.status_code in (302, 400)  # refused site-wide, or dropped by the form filter


def _filter_names(client, query: str) -> list[str]:
    html = client.get(f"/directory/?{query}").get_data(as_text=True)
    return re.findall(r"<strong>([^<]+)</strong></a>", html)


def test_filters_combine_and_departement_wide_partners_match_every_territory(app, client, login_as, reference, make_org):
    kinds, territories = reference
    make_org(name="ESAT Capi", kind="esat", served=["CAPI"], services=["service"], reserved_l2113_12=True)
    make_org(name="EA Partout", kind="ea", whole=True, services=["staffing"], reserved_l2113_12=True)
    make_org(name="ACI Vercors", kind="aci", served=["Vercors"], services=["service"], reserved_l2113_13=True)
    make_org(name="ESAT Archivé", kind="esat", served=["CAPI"], active=False)
    login_as("member")
    capi, vercors = territories["CAPI"], territories["Vercors"]
    assert _filter_names(client, f"territory={capi}") == ["EA Partout", "ESAT Capi"]
    assert _filter_names(client, f"territory={vercors}") == ["ACI Vercors", "EA Partout"]
    assert _filter_names(client, f"territory={capi}&group=disability&service=service") == ["ESAT Capi"]
    assert _filter_names(client, "reserved=l2113_13") == ["ACI Vercors"]
    assert _filter_names(client, "kind=esat") == ["ESAT Capi"]
    assert _filter_names(client, "kind=esat&status=archived") == ["ESAT Archivé"]
    assert _filter_names(client, "kind=esat&status=all") == ["ESAT Archivé", "ESAT Capi"]
    assert _filter_names(client, "q=partout") == ["EA Partout"]
    # Hostile query strings are ignored, never an error.
    assert client.get("/directory/?territory=abc&kind=%01&group=x&page=-3&status=zz&q=" + "a" * 5000).status_code == 200
    assert client.get("/directory/?q=100%25_").status_code == 200
    assert client.get("/directory/?q=a%00b").status_code in (200, 400)


def test_counts_per_filter_value(app, client, login_as, reference, make_org):
    from network_space.directory.queries import DirectoryFilters, facet_counts

    kinds, territories = reference
    make_org(name="A", kind="esat", served=["CAPI"], services=["service"])
    make_org(name="B", kind="ea", whole=True, services=["service", "goods"])
    make_org(name="C", kind="aci", served=["Vercors", "CAPI"])
    with app.app_context():
        counts = facet_counts(DirectoryFilters())
        assert counts["kind"] == {"esat": 1, "ea": 1, "aci": 1}
        assert counts["group"] == {"disability": 2, "insertion": 1}
        assert counts["service"] == {"service": 2, "goods": 1}
        assert counts["territory"][territories["CAPI"]] == 3
        assert counts["territory"][territories["Vercors"]] == 2
        assert counts["territory_everywhere"] == 1
        # Counts of a filter ignore that filter but apply the others.
        counts = facet_counts(DirectoryFilters(group="disability", territory=territories["Vercors"]))
        assert counts["group"] == {"disability": 1, "insertion": 1}
        assert counts["kind"] == {"ea": 1}
    login_as("member")
    html = client.get("/directory/").get_data(as_text=True)
    assert "3 organisations" in html


def test_filter_links_keep_the_other_filters_in_a_stable_order():
    from network_space.directory.queries import DirectoryFilters

    filters = DirectoryFilters(q="jardin", group="disability", territory=4, status="all")
    assert filters.to_args() == {"q": "jardin", "group": "disability", "territory": 4, "status": "all"}
    assert list(filters.to_args(kind="esat", sector=2)) == ["q", "kind", "group", "sector", "territory", "status"]
    assert filters.to_args(group=None, q="", status="active") == {"territory": 4}
    assert DirectoryFilters().to_args() == {} and DirectoryFilters(status="archived").to_args() == {"status": "archived"}
    assert filters.active_count == 3
    with pytest.raises(TypeError):
        filters.to_args(text_ids=(1,))


def test_list_page_runs_a_bounded_number_of_queries(app, client, login_as, reference, make_org):
    capi = reference[1]["CAPI"]

    def add(first, last):
        for i in range(first, last):
            make_org(name=f"Org {i:02d}", kind=("esat", "ea", "aci")[i % 3], served=["CAPI", "Vercors"][: 1 + i % 2],
                     services=["service"], contacts=[{"name": f"Contact {i}"}], siret=fictional_siret(i + 1))

    login_as("member")
    counts = []
    for first, last in ((0, 5), (5, 50)):
        add(first, last)
        with count_queries(app) as counter:
            response = client.get(f"/directory/?territory={capi}&status=all")
        assert response.status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], counts
    assert counts[1] <= 20, counts


def test_list_lines_show_what_the_organisation_s_own_page_shows(app, client, login_as, reference, make_org):
    """The list reads served territories, sectors and services as rows (list_details): the same
    labels, in the same order, as the organisation's relationships."""
    from network_space.directory.models import Organisation
    from network_space.directory.queries import list_details
    from network_space.library.models import Sector

    plenty = make_org(name="Plurielle", served=["Vercors", "CAPI", "Trièves"], services=["goods", "service", "staffing"])
    bare = make_org(name="Sans détail")
    with app.app_context():
        sectors = db.session.scalars(select(Sector).order_by(Sector.name.desc())).all()[:3]
        assert len(sectors) == 3
        db.session.get(Organisation, plenty).sectors = sectors
        db.session.commit()
        orgs = [db.session.get(Organisation, i) for i in (plenty, bare)]
        details = list_details(orgs)
        expected = {org.id: ([t.label for t in org.served_territories], [s.name for s in org.sectors], org.service_labels)
                    for org in orgs}
    found = {i: (d.territories, d.sectors, d.service_labels) for i, d in details.items()}
    assert found == expected
    assert len(expected[plenty][0]) == 3 and len(expected[plenty][2]) == 3
    assert expected[bare] == ([], [], [])
    login_as("member")
    html = client.get("/directory/").get_data(as_text=True)
    assert ", ".join(expected[plenty][0]) in html and ", ".join(expected[plenty][1]) in html
    assert all(f'<span class="tag">{label}</span>' in html for label in expected[plenty][2])


def test_history_and_revert(app, client, login_as, reference, make_org):
    from network_space.directory.models import Organisation, OrganisationRevision

    kinds, territories = reference
    coanimator = login_as("coanimator")
    org_id = make_org(name="Avant", kind="esat", phone="04 00 00 00 00", served=["CAPI"])
    page = client.get(f"/directory/{org_id}/edit").get_data(as_text=True)
    assert 'value="Avant"' in page
    response = client.post(f"/directory/{org_id}/edit", data=_form_payload(
        page, name="Après", kind=str(kinds["ea"]), phone="04 11 11 11 11",
        served_territories=[str(territories["Vercors"])]))
    assert response.status_code == 302
    history = client.get(f"/directory/{org_id}/history").get_data(as_text=True)
    assert "Avant" in history and "Après" in history and "Entreprise adaptée (EA)" in history
    with app.app_context():
        revisions = db.session.scalars(select(OrganisationRevision).order_by(OrganisationRevision.id)).all()
        assert [r.action for r in revisions] == ["create", "update"]
        assert revisions[1].changes["name"] == ["Avant", "Après"]
        assert revisions[1].actor_id == coanimator.id
        first_id = revisions[0].id
    token = csrf_token(history)
    response = client.post(f"/directory/{org_id}/history/{first_id}/revert", data={"csrf_token": token})
    assert response.status_code == 302
    with app.app_context():
        org = db.session.get(Organisation, org_id)
        assert org.name == "Avant" and org.kind.slug == "esat" and org.phone == "04 00 00 00 00"
        assert [t.short_name for t in org.served_territories] == ["CAPI"]
        revisions = db.session.scalars(select(OrganisationRevision).order_by(OrganisationRevision.id)).all()
        assert [r.action for r in revisions] == ["create", "update", "revert"]
        assert revisions[2].reverted_from_id == first_id


def test_revert_refused_when_siret_taken_since(app, client, login_as, reference, make_org):
    from network_space.directory import services
    from network_space.directory.models import Organisation, OrganisationRevision

    login_as("coanimator")
    org_id = make_org(name="Un", siret=fictional_siret(1))
    with app.app_context():
        org = db.session.get(Organisation, org_id)
        services.update_organisation(org, {"siret": fictional_siret(2)}, None)
        db.session.commit()
        first = db.session.scalars(select(OrganisationRevision).order_by(OrganisationRevision.id)).first().id
    make_org(name="Deux", siret=fictional_siret(1))
    token = csrf_token(client.get(f"/directory/{org_id}/history").get_data(as_text=True))
    response = client.post(f"/directory/{org_id}/history/{first}/revert", data={"csrf_token": token}, follow_redirects=True)
    assert "Retour impossible" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Organisation, org_id).siret == fictional_siret(2)


def test_permissions(app, client, login_as, reference, make_org):
    org_id = make_org(name="Perm", internal_notes="Secret du réseau")
    login_as("member")
    show = client.get(f"/directory/{org_id}").get_data(as_text=True)
    assert "Secret du réseau" in show  # members see internal notes
    assert "Historique" not in show
    assert client.get(f"/directory/{org_id}/history").status_code == 403
    assert client.get("/directory/import").status_code == 403
    assert client.get("/directory/kinds").status_code == 403
    token = csrf_token(show)
    assert client.post(f"/directory/{org_id}/history/1/revert", data={"csrf_token": token}).status_code == 403
    assert client.post(f"/directory/{org_id}/archive", data={"csrf_token": token}).status_code == 403
    assert client.get("/directory/999999").status_code == 404
    login_as("coanimator")
    assert client.get(f"/directory/{org_id}/history").status_code == 200
    assert client.get("/directory/import").status_code == 200
    assert client.get("/directory/kinds").status_code == 403
    login_as("admin")
    assert client.get("/directory/kinds").status_code == 200


def test_deactivated_member_cannot_use_the_directory(app, client, make_user, login_as, reference):
    user = make_user("member", active=False)
    login_as(user)
    assert client.get("/directory/").status_code == 302


def test_archive_and_restore(app, client, login_as, reference, make_org):
    from network_space.directory.models import Organisation

    org_id = make_org(name="À archiver")
    login_as("coanimator")
    token = csrf_token(client.get(f"/directory/{org_id}").get_data(as_text=True))
    assert client.post(f"/directory/{org_id}/archive", data={"csrf_token": token}).status_code == 302
    with app.app_context():
        assert db.session.get(Organisation, org_id).active is False
    assert "À archiver" not in client.get("/directory/").get_data(as_text=True)
    assert client.post(f"/directory/{org_id}/restore", data={"csrf_token": token}).status_code == 302
    with app.app_context():
        assert db.session.get(Organisation, org_id).active is True


def test_admin_adds_a_kind(app, client, login_as, reference):
    from network_space.directory.models import OrganisationKind

    login_as("admin")
    page = client.get("/directory/kinds").get_data(as_text=True)
    response = client.post("/directory/kinds", data={"csrf_token": csrf_token(page), "name": "SCIC d'insertion",
                                                     "slug": "SCIC", "group": "insertion", "active": "y"})
    assert response.status_code == 302  # stored as "scic"
    duplicate = client.post("/directory/kinds", data={"csrf_token": csrf_token(page), "name": "ESAT",
                                                      "slug": "autre", "group": "insertion"})
    assert "déjà ce nom" in duplicate.get_data(as_text=True)
    same_slug = client.post("/directory/kinds", data={"csrf_token": csrf_token(page), "name": "Autre SCIC",
                                                      "slug": "Scic", "group": "insertion"})
    assert "déjà ce nom ou cet identifiant" in same_slug.get_data(as_text=True)
    refused = client.post("/directory/kinds", data={"csrf_token": csrf_token(page), "name": "Régie",
                                                    "slug": "Régie Quartier", "group": "insertion"}).get_data(as_text=True)
    assert "Lettres, chiffres et tirets." in refused and 'value="Régie Quartier"' in refused  # as typed
    with app.app_context():
        assert db.session.scalar(select(OrganisationKind).where(OrganisationKind.slug == "scic")).group == "insertion"


def test_notifications_to_followers_and_territory_members(app, client, login_as, make_user, reference, make_org):
    from network_space.accounts.models import Territory, User
    from network_space.directory import services
    from network_space.directory.models import Organisation, OrganisationKind
    from network_space.notifications.models import Notification
    from network_space.notifications.services import follow

    kinds, territories = reference
    capi_member = make_user("member")
    other_member = make_user("member")
    follower = make_user("member")
    territory_follower = make_user("member")
    with app.app_context():
        follow(db.session.get(User, territory_follower.id), db.session.get(Territory, territories["CAPI"]))
        db.session.get(User, capi_member.id).territories = [db.session.get(Territory, territories["CAPI"])]
        db.session.get(User, other_member.id).territories = [db.session.get(Territory, territories["Vercors"])]
        db.session.commit()
        actor = db.session.get(User, make_user("coanimator").id)
        org = services.create_organisation({"name": "Nouvelle", "kind": db.session.get(OrganisationKind, kinds["ea"]),
                                            "served_territories": [db.session.get(Territory, territories["CAPI"])]}, actor)
        db.session.commit()
        org_id = org.id
        notified = {n.user_id for n in db.session.scalars(select(Notification).where(Notification.kind == "directory.new_organisation"))}
        assert notified == {capi_member.id, territory_follower.id}
        follow(db.session.get(User, follower.id), org)
        db.session.commit()
        services.update_organisation(db.session.get(Organisation, org.id), {"phone": "04 76 00 00 00"}, actor)
        db.session.commit()
        notified = {n.user_id for n in db.session.scalars(select(Notification).where(Notification.kind == "directory.updated"))}
        assert notified == {capi_member.id, follower.id, territory_follower.id}
    login_as(follower)
    show = client.get(f"/directory/{org_id}").get_data(as_text=True)
    assert "Suivi" in show


def test_backlink_providers_are_listed(app, client, login_as, reference, make_org):
    from network_space.core.backlinks import Backlink, _providers, backlink_provider
    from network_space.directory.models import Organisation

    org_id = make_org(name="Liée")

    @backlink_provider("test-events", Organisation)
    def _events(organisation, user):
        return [Backlink("Événement", f"Visite de {organisation.name}", "/events/1")]

    try:
        login_as("member")
        html = client.get(f"/directory/{org_id}").get_data(as_text=True)
        assert "Visite de Liée" in html
    finally:
        _providers.pop("test-events")


def test_print_page_and_nav(app, client, login_as, reference, make_org):
    org_id = make_org(name="Imprimable")
    login_as("member")
    html = client.get(f"/directory/{org_id}").get_data(as_text=True)
    assert "data-print" in html and "Annuaire des partenaires" in html


def test_sector_filter_counts_and_form(app, client, login_as, reference, make_org):
    from network_space.directory.models import Organisation
    from network_space.directory.queries import DirectoryFilters, facet_counts
    from network_space.library.models import Sector

    kinds, _ = reference
    with app.app_context():
        sectors = {s.name: s.id for s in db.session.scalars(select(Sector))}
        green, clean = sectors["Espaces verts"], sectors["Propreté et nettoyage"]

    def with_sectors(*ids):
        with app.app_context():
            return [db.session.get(Sector, i) for i in ids]

    make_org(name="Verte", kind="esat", sectors=with_sectors(green))
    make_org(name="Verte et propre", kind="aci", sectors=with_sectors(green, clean))
    make_org(name="Sans secteur", kind="ea")
    with app.app_context():
        assert facet_counts(DirectoryFilters())["sector"] == {green: 2, clean: 1}
        assert facet_counts(DirectoryFilters(group="disability"))["sector"] == {green: 1}
    login_as("member")
    assert _filter_names(client, f"sector={green}") == ["Verte", "Verte et propre"]
    assert _filter_names(client, f"sector={clean}&group=insertion") == ["Verte et propre"]
    page = client.get("/directory/new").get_data(as_text=True)
    assert "Espaces verts" in page
    client.post("/directory/new", data=_form_payload(page, name="Nouvelle verte", kind=str(kinds["ea"]),
                                                     sectors=[str(clean)]))
    with app.app_context():
        org = db.session.scalar(select(Organisation).where(Organisation.name == "Nouvelle verte"))
        assert [s.name for s in org.sectors] == ["Propreté et nettoyage"]


def test_revert_restores_sectors_services_and_contacts(app, reference, make_org):
    from network_space.directory import services
    from network_space.directory.models import Organisation, OrganisationRevision
    from network_space.library.models import Sector

    with app.app_context():
        green, clean = db.session.scalars(select(Sector).order_by(Sector.position).limit(2)).all()
        green_id = green.id
    org_id = make_org(name="Versions", services=["service"], contacts=[{"name": "Alice"}],
                      sectors=[green])
    with app.app_context():
        org = db.session.get(Organisation, org_id)
        services.update_organisation(org, {"sectors": [db.session.get(Sector, clean.id)], "services": ["goods"],
                                           "contacts": [{"name": "Bob", "role": "Gérant"}]}, None)
        db.session.commit()
        first = db.session.scalars(select(OrganisationRevision).order_by(OrganisationRevision.id)).first()
        services.revert_to(org, first, None)
        db.session.commit()
        org = db.session.get(Organisation, org_id)
        assert [s.id for s in org.sectors] == [green_id]
        assert org.service_codes == ["service"]
        assert [c.name for c in org.contacts] == ["Alice"]


def test_a_contact_row_without_a_name_is_refused_not_dropped(app, client, login_as, reference):
    kinds, _ = reference
    login_as("member")
    page = client.get("/directory/new").get_data(as_text=True)
    response = client.post("/directory/new", data=_form_payload(
        page, kind=str(kinds["esat"]), **{"contacts-0-email": "accueil@esat-test.example",
                                           "contacts-0-phone": "04 76 00 00 00"}))
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Indiquez le nom de la personne, ou videz la ligne." in body
    assert 'value="accueil@esat-test.example"' in body and 'value="04 76 00 00 00"' in body
    from network_space.directory.models import Organisation

    with app.app_context():
        assert db.session.scalar(select(Organisation)) is None
