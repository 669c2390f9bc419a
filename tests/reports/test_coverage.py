"""Coverage of the territory: who covers which intercommunality, with how much time, what is left
without a facilitator, and the page that shows it."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from network_space.accounts.models import Structure, Territory, User
from network_space.accounts.reference import ensure_territories
from network_space.extensions import db
from network_space.reports import coverage
from tests.helpers import count_queries, csrf_token

VERCORS, COLLINES, METRO, TRIEVES = "243801024", "243801255", "200040715", "200030658"


def _person(role="member", territories=(), structure=None, fte=None, active=True, name=None):
    user = User(email=f"{name or role}{db.session.query(User).count()}@example.org".lower(),
                full_name=name or f"Personne {role}", role=role, active=active, facilitation_fte=fte,
                password_hash="x", structure=structure, territories=list(territories))
    db.session.add(user)
    return user


@pytest.fixture
def coverage_network(ctx):
    """The reference territories; a few people around them."""
    t = ensure_territories()
    metro_structure = Structure(name="Métropole — clauses", kind="epci", territory=t["La Métro"])
    db.session.add(metro_structure)
    _person(territories=[t["La Métro"]], fte=1.0, name="Inès")
    _person(structure=metro_structure, name="Mathieu")  # no territory ticked: his structure's
    _person(territories=[t["Trièves"], t["Matheysine"], t["Oisans"], t["SMVIC"]], fte=0.8, name="Bruno")
    # A co-animator follows the whole south without declaring time: covers nothing.
    _person("coanimator", territories=[t["Vercors"], t["La Métro"], t["Trièves"]], name="Marc")
    _person(territories=[t["Vercors"]], fte=0, name="Partenaire")  # declared 0: a partner
    _person(territories=[t["Vercors"]], fte=1, active=False, name="Ancienne")
    _person("coanimator", territories=[t["CAPI"]], fte=0.2, name="Claire")  # declares time: counts
    db.session.commit()
    return t


def _rows(result):
    return {r.epci.siren: r for r in result.rows}


def test_coverage_counts_facilitators_by_the_rules(coverage_network):
    result = coverage.compute()
    rows = _rows(result)
    assert [f.user.full_name for f in rows[METRO].facilitators] == ["Inès", "Mathieu"]
    assert rows[METRO].fte == 1.0 and rows[METRO].undeclared == 1 and rows[METRO].state == coverage.COVERED
    # Bruno's 0.8 is split between his four territories.
    assert rows[TRIEVES].fte == pytest.approx(0.2) and [f.user.full_name for f in rows[TRIEVES].facilitators] == ["Bruno"]
    assert [f.user.full_name for f in rows["243800604"].facilitators] == ["Claire"]  # CAPI
    # The Vercors: a co-animator without time, a partner at 0 and a deactivated account do not cover it.
    assert rows[VERCORS].facilitators == [] and rows[VERCORS].state == coverage.UNCOVERED
    assert rows[COLLINES].territory is None and rows[COLLINES].state == coverage.ABSENT
    assert result.fte == pytest.approx(1.0 + 0.8 + 0.2) and result.facilitator_count == 4
    division = result.division
    assert result.population_in(coverage.UNCOVERED) == sum(
        e.population for e in division.epcis if rows[e.siren].state == coverage.UNCOVERED)
    assert result.share_in(coverage.ABSENT) == pytest.approx(rows[COLLINES].population / division.population)
    assert all(r.matched_by == "siren" for r in result.rows if r.territory)


def test_territories_match_by_name_when_they_have_no_siren_and_unmatched_ones_are_listed(coverage_network):
    for territory in db.session.scalars(db.select(Territory)):
        territory.siren = None
    coverage_network["Vercors"].name = "Massif du Vercors (CC)"  # renamed by an admin: still found
    coverage_network["EBER"].siren = COLLINES  # an admin typed the SIREN of the EPCI missing from the list
    db.session.add(Territory(name="Hors Isère", sector="nord"))
    db.session.add(Territory(name="Ancien territoire", sector="sud", active=False))
    db.session.commit()
    rows = _rows(coverage.compute())
    assert rows[VERCORS].territory.name == "Massif du Vercors (CC)" and rows[VERCORS].matched_by == "name"
    assert rows[COLLINES].territory.name == "CC Entre Bièvre et Rhône" and rows[COLLINES].matched_by == "siren"
    assert rows["200085751"].territory is None  # EBER's own EPCI now has no territory
    unmatched = [r.territory.name for r in coverage.compute().unmatched_territories]
    assert unmatched == ["Hors Isère"]  # an inactive territory is not reported


def test_two_territories_never_share_an_epci(coverage_network):
    db.session.add(Territory(name="CC du Trièves (doublon)", sector="sud"))
    db.session.commit()
    result = coverage.compute()
    assert _rows(result)[TRIEVES].territory.name == "CC du Trièves"
    assert [r.territory.name for r in result.unmatched_territories] == ["CC du Trièves (doublon)"]


def test_coverage_runs_a_fixed_number_of_queries(app, coverage_network):
    def queries() -> int:
        with count_queries(app) as counter:
            with app.app_context():
                coverage.compute()
        return counter.count

    few = queries()
    with app.app_context():
        territories = list(db.session.scalars(db.select(Territory)))
        for n in range(30):
            _person(territories=territories[n % 17: n % 17 + 3], fte=0.5, name=f"Facilitateur {n}")
        db.session.commit()
    assert queries() == few <= 3


def _svg(html: str) -> ET.Element:
    svg = re.search(r"<svg class=\"coverage-map\".*?</svg>", html, re.S).group(0)
    return ET.fromstring(svg)


def test_members_see_the_coverage_page_with_the_uncovered_territories_standing_out(client, login_as, coverage_network):
    login_as("member")
    html = client.get("/reports/coverage").get_data(as_text=True)
    vercors_row = re.search(r'<tr class="coverage-uncovered">\s*<th scope="row">CC du Massif du Vercors.*?</tr>', html, re.S)
    assert vercors_row and "✗ Non couvert" in vercors_row.group(0)  # said in words, not by colour alone
    assert "11\u202f997" in vercors_row.group(0) and "0,9\u00a0%" in vercors_row.group(0)
    alert = re.search(r'<section class="flash flash-warning coverage-alert".*?</section>', html, re.S).group(0)
    assert "CC du Massif du Vercors" in alert and "CC Collines Isère Nord Communauté" in alert
    assert "SIREN 243801255" in alert  # the EPCI no territory of the site matches
    division = coverage.division()
    assert f"@etalab/decoupage-administratif, version {division.package_version}" in html

    svg = _svg(html)
    ns = {"s": "http://www.w3.org/2000/svg"}
    assert svg.get("role") == "img" and svg.find("s:title", ns).text.startswith("Plan schématique")
    description = " ".join(svg.find("s:desc", ns).itertext())
    uncovered = re.search(r"Non couvert : ([^.]*)\.", description).group(1).split(", ")
    assert "Vercors" in uncovered and "La Métro" not in uncovered
    assert "Absent du site : CC Collines Isère Nord Communauté." in description
    tiles = svg.findall("s:g", ns)
    assert len(tiles) == len(coverage.division().epcis)
    vercors_tile = next(t for t in tiles if "Vercors" in "".join(t.itertext()) and "tile-uncovered" in t.get("class"))
    assert "Non couvert" in "".join(vercors_tile.itertext())


def test_the_coverage_page_is_for_members(client, login_as, coverage_network):
    assert client.get("/reports/coverage").status_code == 302
    login_as("member")
    html = client.get("/reports/coverage").get_data(as_text=True)
    assert "Rapport d'activité" not in html  # the co-animators' page is not offered


def test_declared_time_is_typed_with_a_comma_and_checked(client, login_as, app, ctx):
    territories = ensure_territories()
    db.session.commit()
    user = login_as("member")
    page = client.get("/profile/edit").get_data(as_text=True)
    base = {"csrf_token": csrf_token(page), "full_name": "Hélène Martin", "language": "fr",
            "territories": [str(territories["Trièves"].id)]}
    for typed, message in (("1,5", "entre 0 et 1"), ("un demi", "Indiquez un nombre"), ("1e3", "Indiquez un nombre")):
        response = client.post("/profile/edit", data={**base, "facilitation_fte": typed})
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and message in html and f'value="{typed}"' in html
    response = client.post("/profile/edit", data={**base, "facilitation_fte": " 0,5 "})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).facilitation_fte == 0.5
    assert "0,5 ETP" in client.get(f"/members/{user.id}").get_data(as_text=True)
    row = re.search(r"<th scope=\"row\">CC du Trièves.*?</tr>", client.get("/reports/coverage").get_data(as_text=True), re.S)
    assert "Hélène Martin" in row.group(0) and "0,5" in row.group(0)
    # Emptied: not said any more.
    client.post("/profile/edit", data={**base, "facilitation_fte": ""})
    db.session.expire_all()
    assert db.session.get(User, user.id).facilitation_fte is None


def test_admins_type_a_territorys_siren_checked_and_unique(client, login_as, ctx):
    territories = ensure_territories()
    db.session.commit()
    login_as("admin")
    vercors = territories["Vercors"]
    url = f"/admin/territories/{vercors.id}"
    base = {"csrf_token": csrf_token(client.get(url).get_data(as_text=True)), "name": vercors.name,
            "short_name": "Vercors", "sector": "sud", "active": "y"}
    html = client.post(url, data={**base, "siren": "243 801 025"}).get_data(as_text=True)
    assert "clé de contrôle" in html and 'value="243801025"' in html
    html = client.post(url, data={**base, "siren": "123"}).get_data(as_text=True)
    assert "Un SIREN compte 9 chiffres." in html and "clé de contrôle" not in html  # one reason, the first
    html = client.post(url, data={**base, "siren": TRIEVES}).get_data(as_text=True)
    assert "Le territoire « CC du Trièves » porte déjà ce SIREN." in html
    assert client.post(url, data={**base, "siren": "243.801.024"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Territory, vercors.id).siren == VERCORS
