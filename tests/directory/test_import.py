"""CSV import: encodings, delimiters, mapping, dry run problems, all-or-nothing, duplicates."""
from __future__ import annotations

import errno
import html as htmllib
import io
import os
import re

import pytest
from sqlalchemy import event, func, select

from network_space.directory.demo import fictional_siret
from network_space.extensions import db
from tests.helpers import csrf_token

HEADER = ["Nom", "Type", "SIRET", "Commune", "Code postal", "Territoire", "Territoires d'intervention",
          "Types de prestation", "Éligible L2113-12", "Contact", "Secteurs d'activité"]
VALID = [
    ["ESAT Les Écureuils (fictif)", "ESAT", fictional_siret(101), "Vénissieux-sur-Isère", "38000", "La Métro",
     "La Métro, Grésivaudan", "Prestation de service", "oui", "Hélène Gaël", "Espaces verts, Propreté et nettoyage"],
    ["Chantier Vert Émeraude (fictif)", "ACI", fictional_siret(102), "Crémieu", "38460", "Balcons du Dauphiné",
     "Tout le département", "", "non", "", ""],
]


def csv_bytes(rows, delimiter=";", encoding="cp1252", bom=False) -> bytes:
    lines = []
    for row in rows:
        cells = [f'"{c}"' if (delimiter in c or "," in c) else c for c in row]
        lines.append(delimiter.join(cells))
    text = "\r\n".join(lines) + "\r\n"
    data = text.encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def _count(app, model_name="Organisation"):
    from network_space.directory import models

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(getattr(models, model_name)))


def upload(client, data: bytes, filename="partenaires.csv"):
    page = client.get("/directory/import").get_data(as_text=True)
    return client.post("/directory/import", data={"csrf_token": csrf_token(page),
                                                  "file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def mapping_form(html: str, on_duplicate="skip") -> dict:
    form = {"csrf_token": csrf_token(html), "on_duplicate": on_duplicate}
    for i, value in re.findall(r'<select id="map-(\d+)" name="map-\d+">(.*?)</select>', html, re.S):
        selected = re.search(r'<option value="([^"]*)" selected>', value)
        form[f"map-{i}"] = selected.group(1) if selected else ""
    return form


def dry_run(client, data: bytes, on_duplicate="skip"):
    response = upload(client, data)
    assert response.status_code == 302, response.get_data(as_text=True)
    url = response.headers["Location"]
    page = client.get(url).get_data(as_text=True)
    form = mapping_form(page, on_duplicate)
    return url, form, htmllib.unescape(client.post(url, data=form).get_data(as_text=True))


@pytest.mark.parametrize("delimiter, encoding, bom", [
    (";", "cp1252", False), (",", "cp1252", False), (";", "utf-8", False), (",", "utf-8", True), (";", "utf-8", True),
])
def test_valid_file_in_every_encoding_imports(app, client, login_as, reference, delimiter, encoding, bom):
    login_as("coanimator")
    url, form, report = dry_run(client, csv_bytes([HEADER] + VALID, delimiter, encoding, bom))
    assert "Aucune erreur" in report and "2 à créer" in report
    assert ("Windows-1252" if encoding == "cp1252" else "UTF-8") in report
    assert _count(app) == 0  # the dry run writes nothing
    response = client.post(url + "/run", data=form)
    assert response.status_code == 302
    from network_space.directory.models import Organisation

    with app.app_context():
        orgs = {o.name: o for o in db.session.scalars(select(Organisation))}
        esat = orgs["ESAT Les Écureuils (fictif)"]
        assert esat.commune == "Vénissieux-sur-Isère" and esat.kind.slug == "esat"
        assert esat.reserved_l2113_12 and esat.service_codes == ["service"]
        assert [c.name for c in esat.contacts] == ["Hélène Gaël"]
        assert [s.name for s in esat.sectors] == ["Propreté et nettoyage", "Espaces verts"]
        assert sorted(t.short_name for t in esat.served_territories) == ["Grésivaudan", "La Métro"]
        assert orgs["Chantier Vert Émeraude (fictif)"].whole_departement
        assert all(o.siret for o in orgs.values())
    # The uploaded file is gone once imported.
    assert client.get(url).status_code == 302


@pytest.mark.parametrize("delimiter, encoding", [(";", "cp1252"), (",", "utf-8")])
@pytest.mark.parametrize("bad_row, problem", [
    (["ESAT Faux SIRET", "ESAT", "73282932000079", "Voiron", "38500", "", "", "", "", "", ""], "invalide : Ce SIRET n'est pas valide"),
    (["Structure mystère", "Coopérative lunaire", "", "Voiron", "38500", "", "", "", "", "", ""], "Type inconnu : « Coopérative lunaire »"),
    (["", "ESAT", "", "Voiron", "38500", "", "", "", "", "", ""], "Nom manquant"),
    (["Mauvais territoire", "EA", "", "Voiron", "38500", "Pays imaginaire", "", "", "", "", ""], "Territoire inconnu"),
    (["Mauvais booléen", "EA", "", "Voiron", "38500", "", "", "", "peut-être", "", ""], "n'est ni oui ni non"),
    (["Mauvaise prestation", "EA", "", "Voiron", "38500", "", "", "Jonglage", "", "", ""], "Type de prestation inconnu"),
    (["Mauvais secteur", "EA", "", "Voiron", "38500", "", "", "", "", "", "Astronautique"], "Secteur d'activité inconnu"),
    (["Doublon fichier", "EA", fictional_siret(101), "Voiron", "38500", "", "", "", "", ""], "Doublon dans le fichier"),
])
def test_each_problem_is_listed_and_nothing_is_written(app, client, login_as, reference, delimiter, encoding,
                                                       bad_row, problem):
    login_as("coanimator")
    url, form, report = dry_run(client, csv_bytes([HEADER] + VALID + [bad_row], delimiter, encoding))
    assert problem in report, report
    assert "1 ligne à corriger" in report
    assert "Importer maintenant" not in report
    # Forcing the import anyway is refused: nothing half-imported.
    response = client.post(url + "/run", data=form)
    assert response.status_code == 200 and "rien n'a été importé" in htmllib.unescape(response.get_data(as_text=True))
    assert _count(app) == 0


@pytest.mark.parametrize("delimiter, encoding", [(";", "cp1252"), (",", "utf-8")])
def test_duplicate_of_existing_siret_is_skipped_or_updated_never_doubled(app, client, login_as, reference, make_org,
                                                                       delimiter, encoding):
    from network_space.directory.models import Organisation, OrganisationRevision

    existing = make_org(name="Ancien nom", kind="esat", siret=fictional_siret(101), commune="Ailleurs")
    login_as("coanimator")
    data = csv_bytes([HEADER] + VALID, delimiter, encoding)
    url, form, report = dry_run(client, data, "skip")
    assert "Déjà dans l'annuaire : « Ancien nom »" in report and "1 à créer, 0 à mettre à jour, 1 à ignorer" in report
    client.post(url + "/run", data=form)
    with app.app_context():
        assert db.session.get(Organisation, existing).name == "Ancien nom"
    assert _count(app) == 2

    url, form, report = dry_run(client, data, "update")
    assert "0 à créer, 2 à mettre à jour" in report
    client.post(url + "/run", data=form)
    with app.app_context():
        org = db.session.get(Organisation, existing)
        assert org.name == "ESAT Les Écureuils (fictif)" and org.commune == "Vénissieux-sur-Isère"
        assert db.session.scalar(select(func.count()).select_from(OrganisationRevision)
                                 .where(OrganisationRevision.action == "import")) >= 2
        revisions = db.session.scalar(select(func.count()).select_from(OrganisationRevision))
    assert _count(app) == 2
    # The same file again: nothing changes, and the message does not announce updates.
    url, form, report = dry_run(client, data, "update")
    done = client.post(url + "/run", data=form, follow_redirects=True).get_data(as_text=True)
    assert "Import terminé : 0 organisation créée, 0 mise à jour, 2 lignes ignorées ou sans changement." in htmllib.unescape(done)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OrganisationRevision)) == revisions


def test_a_name_with_accented_capitals_is_the_same_organisation(app, client, login_as, reference, make_org):
    """Without a SIRET an organisation is known by its name, capitals, accents and spaces aside:
    SQLite's lower() leaves "Œ" and "É" as they are, and these were imported a second time."""
    existing = make_org(name="ACI Second Œuvre Nord-Isère (fictif)", kind="aci")
    login_as("coanimator")
    rows = [["Nom", "Type", "Commune"], ["aci second  œuvre nord-isère (fictif)", "ACI", "Bourgoin"],
            ["ÉCOLE DE LA DEUXIÈME CHANCE (fictif)", "ACI", "Grenoble"],
            ["École de la deuxième chance (fictif)", "ACI", "Grenoble"]]
    url, form, report = dry_run(client, csv_bytes(rows, encoding="utf-8"), "skip")
    assert "Déjà dans l'annuaire : « ACI Second Œuvre Nord-Isère (fictif) »" in report
    assert "Doublon dans le fichier : même nom que la ligne 3." in report
    assert _count(app) == 1 and existing


def test_a_contact_without_a_name_is_refused_not_dropped(app, client, login_as, reference):
    login_as("coanimator")
    rows = [["Nom", "Type", "Contact : email", "Contact : fonction"],
            ["ESAT Sans Contact Nommé (fictif)", "ESAT", "orphan@qa.example", "Chargée d'insertion"]]
    url, form, report = dry_run(client, csv_bytes(rows, encoding="utf-8"))
    assert "Contact : indiquez le nom de la personne" in report
    client.post(url + "/run", data=form)
    assert _count(app) == 0  # the file is refused until the line is corrected; nothing is lost silently


def test_import_failing_half_way_leaves_nothing(app, client, login_as, reference):
    """A database error on the 3rd row rolls back the first two."""
    from network_space.directory.models import Organisation

    rows = [[f"Organisation {i} (fictif)", "EA", fictional_siret(200 + i), "Voiron", "38500", "", "", "", "", ""]
            for i in range(5)]
    login_as("coanimator")
    url, form, report = dry_run(client, csv_bytes([HEADER] + rows, ";", "utf-8"))
    assert "5 à créer" in report
    inserted = []

    def fail_on_third(mapper, connection, target):
        inserted.append(target.name)
        if len(inserted) == 3:
            raise RuntimeError("base indisponible")

    event.listen(Organisation, "before_insert", fail_on_third)
    app.config["PROPAGATE_TEST_ERRORS"] = False
    try:
        response = client.post(url + "/run", data=form)
    finally:
        event.remove(Organisation, "before_insert", fail_on_third)
        app.config["PROPAGATE_TEST_ERRORS"] = True
    assert response.status_code == 500
    assert len(inserted) == 3
    assert _count(app) == 0 and _count(app, "OrganisationRevision") == 0


def test_unreadable_files_are_refused_with_a_message(app, client, login_as, reference):
    login_as("coanimator")
    for data, message in [
        (b"", "vide"),
        (b"Nom;Type\r\n", "aucune ligne"),
        (b"\x00\x01\x02PK binary", "pas un fichier texte"),
        (b"Nom;Type\r\n" + b"x;ESAT\r\n" * 2001, "2000 lignes"),
    ]:
        html = htmllib.unescape(upload(client, data).get_data(as_text=True))
        assert message in html, message
    response = client.get("/directory/import")
    assert response.status_code == 200


def test_mapping_is_guessed_from_french_headers_and_checked(app, client, login_as, reference):
    from network_space.directory.importer import guess_mapping

    assert guess_mapping(["Raison sociale", "N° SIRET", "Catégorie", "Ville", "CP", "Courriel", "Téléphone", "Divers"]) == [
        "name", "siret", "kind", "commune", "postcode", "email", "phone", ""]
    login_as("coanimator")
    response = upload(client, csv_bytes([HEADER] + VALID))
    url = response.headers["Location"]
    page = client.get(url).get_data(as_text=True)
    form = mapping_form(page)
    form["map-0"] = ""  # no name column
    form["map-1"] = "commune"
    html = htmllib.unescape(client.post(url, data=form).get_data(as_text=True))
    assert "Indiquez la colonne qui contient le nom" in html
    assert "choisi pour plusieurs colonnes" in html
    form["map-0"] = "<script>"  # unknown field names are ignored
    assert client.post(url, data=form).status_code == 200


def test_upload_token_is_bound_to_its_owner(app, client, login_as, reference):
    login_as("coanimator")
    url = upload(client, csv_bytes([HEADER] + VALID)).headers["Location"]
    login_as("coanimator")  # another co-animator
    response = client.get(url)
    assert response.status_code == 302 and response.headers["Location"].endswith("/directory/import")
    assert client.get("/directory/import/../../etc/passwd").status_code in (302, 404)
    assert client.get("/directory/import/" + "a" * 43).status_code == 302


def test_oversized_file_is_refused(app, client, login_as, reference):
    # A small limit keeps the upload in memory (the test client spools big bodies to files).
    saved = app.config["DIRECTORY_IMPORT_MAX_KB"]
    app.config["DIRECTORY_IMPORT_MAX_KB"] = 50
    try:
        login_as("coanimator")
        data = b"Nom;Type\r\n" + (b"x" * 1000 + b";ESAT\r\n") * 60
        html = htmllib.unescape(upload(client, data).get_data(as_text=True))
        assert "dépasse 50 Ko" in html
    finally:
        app.config["DIRECTORY_IMPORT_MAX_KB"] = saved
    assert _count(app) == 0


def test_a_full_disk_refuses_the_import_in_french(app, client, login_as, reference, monkeypatch, caplog):
    from pathlib import Path

    def full(self, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    login_as("coanimator")
    imports = Path(app.config["DATA_DIR"]) / "imports"
    before = set(imports.glob("*")) if imports.exists() else set()
    monkeypatch.setattr(Path, "write_bytes", full)  # how the import keeps the file between its steps
    response = upload(client, csv_bytes([HEADER] + VALID))
    html = htmllib.unescape(response.get_data(as_text=True))
    assert response.status_code == 200 and "Le serveur manque d'espace disque" in html
    assert any("could not be written" in r.getMessage() for r in caplog.records)
    assert set(imports.glob("*")) == before  # nothing half-written left
