"""The official division data kept in the repository (reports/data/epci-38.json) and the script
that extracts it from Etalab's npm package."""
from __future__ import annotations

import json
from datetime import date

from network_space.accounts.reference import ISERE_TERRITORIES
from network_space.reports.coverage import DATA_FILE, load_division, name_key
from network_space.reports.data import refresh_epci
from tests.core.test_migrations import fresh_database_url  # noqa: F401 - a fixture: an empty database


def _commune(code, departement, population):
    return {"code": code, "nom": f"Commune {code}", "type": "commune-actuelle", "departement": departement,
            "population": population}


def test_extract_keeps_the_departements_epcis_and_only_its_communes():
    communes = [_commune("38001", "38", 100), _commune("38002", "38", 50), _commune("69001", "69", 1000),
                _commune("73001", "73", 7),
                # A former commune (commune déléguée) carries the same code: it does not count twice.
                {"code": "38001", "nom": "Ancienne", "type": "commune-deleguee", "departement": "38"}]
    member = lambda code, population: {"code": code, "nom": f"Commune {code}", "populationMunicipale": population}  # noqa: E731
    epcis = [
        {"code": "200000002", "nom": "CA À cheval", "type": "CA", "populationMunicipale": 1150,
         "membres": [member("69001", 1000), member("38002", 50), member("38001", 100)]},
        {"code": "200000001", "nom": "CC Ailleurs", "type": "CC", "populationMunicipale": 7,
         "membres": [member("73001", 7)]},
    ]
    data = refresh_epci.extract(epcis, communes, "38", version="9.9.9", integrity="sha512-x",
                                extracted_on=date(2026, 11, 29))
    assert data["package_version"] == "9.9.9" and data["extracted_on"] == "2026-11-29"
    assert data["population"] == 150
    (epci,) = data["epcis"]
    assert (epci["siren"], epci["population"], epci["population_all"], epci["communes_elsewhere"]) == (
        "200000002", 150, 1150, 1)
    assert [c["insee"] for c in epci["communes"]] == ["38001", "38002"]
    # Written one commune a line, and read back as written.
    text = refresh_epci.dumps(data)
    assert '    {"insee": "38001", "name": "Commune 38001", "population": 100},\n' in text
    assert json.loads(text) == data


def test_the_data_file_is_isere_and_adds_up():
    division = load_division()
    raw = json.loads(DATA_FILE.read_text("utf-8"))
    assert raw["source"] == "npm @etalab/decoupage-administratif" and raw["package_version"]
    assert raw["package_integrity"].startswith("sha512-")
    assert division.departement == "38" and len(division.epcis) >= 17
    assert division.population == sum(e.population for e in division.epcis) > 1_000_000
    for epci in division.epcis:
        assert len(epci.siren) == 9 and epci.communes
        assert all(c.insee.startswith("38") for c in epci.communes)
        assert epci.population == sum(c.population for c in epci.communes) <= epci.population_all
    communes = [c.insee for e in division.epcis for c in e.communes]
    assert len(communes) == len(set(communes))  # a commune belongs to one EPCI


def test_every_reference_territory_is_in_the_data_by_siren_and_by_name():
    by_siren = {e.siren: e for e in load_division().epcis}
    for name, _short, _sector, siren in ISERE_TERRITORIES:
        assert siren in by_siren, name
        assert name_key(name) == name_key(by_siren[siren].name), (name, by_siren[siren].name)


def test_the_migration_gives_the_reference_territories_their_siren(fresh_database_url, tmp_path):
    from flask_migrate import upgrade
    from sqlalchemy import select

    from network_space import create_app
    from network_space.accounts.models import Territory
    from network_space.extensions import db

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=fresh_database_url, DATA_DIR=str(tmp_path / "d"),
                     SEARCH_INDEX_DIR=str(tmp_path / "i"))
    with app.app_context():
        upgrade()
        sirens = dict(db.session.execute(select(Territory.name, Territory.siren)).all())
        db.session.remove()
        db.engine.dispose()
    assert sirens == {name: siren for name, _short, _sector, siren in ISERE_TERRITORIES}
