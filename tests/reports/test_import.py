"""A contribution filled from a spreadsheet: the template, the dry run with a bad line (nothing
saved), the import once corrected (recorded in the history), CSV from French Excel."""
from __future__ import annotations

import html as htmllib
import io
import re
from datetime import timedelta

import openpyxl
from sqlalchemy import select

from network_space.extensions import db
from network_space.reports.models import Contribution, ContributionChange, ContributionValue
from tests.helpers import csrf_token
from tests.reports.conftest import indicator_ids
from network_space.core.dates import paris_today


def _campaign(client, login_as, network):
    login_as(network.coanimator)
    page = client.get("/reports/campaigns/new").get_data(as_text=True)
    client.post("/reports/campaigns/new", data={
        "csrf_token": csrf_token(page), "year": "2026", "deadline": (paris_today() + timedelta(days=30)).isoformat(),
        "territories": [str(network.metro), str(network.capi)]})


def _xlsx(rows) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _upload(client, base: str, data: bytes, filename: str):
    page = client.get(base + "/import").get_data(as_text=True)
    return client.post(base + "/import", data={"csrf_token": csrf_token(page), "file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def _mapping(html: str) -> dict:
    form = {"csrf_token": csrf_token(html)}
    for i, options in re.findall(r'<select id="map-(\d+)" name="map-\d+">(.*?)</select>', html, re.S):
        selected = re.search(r'<option value="([^"]*)" selected>', options)
        form[f"map-{i}"] = selected.group(1) if selected else ""
    return form


def test_template_then_dry_run_with_a_bad_line_then_import(app, client, login_as, network):
    ids = indicator_ids(app)
    _campaign(client, login_as, network)
    login_as(network.alice)
    base = f"/reports/2026/fill/{network.metro}/{network.metro_structure}"
    template = client.get(base + "/template.xlsx")
    assert template.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(template.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Code", "Indicateur", "Rubrique", "Définition", "Valeur")
    codes = [r[0] for r in rows[1:]]
    assert "hours_achieved" in codes and "highlights" in codes and len(codes) == 44

    # The template filled in a spreadsheet, with one bad value and one unknown indicator.
    filled = [list(rows[0])] + [list(r) for r in rows[1:]]
    for row in filled[1:]:
        row[4] = {"hours_planned": 8000, "hours_achieved": 7600, "participants": "douze",
                  "highlights": "Premier marché réservé"}.get(row[0])
    filled.append(["", "Indicateur inventé", "", "", 3])
    response = _upload(client, base, _xlsx(filled), "bilan.xlsx")
    assert response.status_code == 302
    check_url = response.headers["Location"]
    page = htmllib.unescape(client.get(check_url).get_data(as_text=True))
    assert "Classeur XLSX (première feuille) · 45 lignes de données." in page
    assert "2 lignes à corriger" in page
    assert "Valeur « douze » refusée : Indiquez un nombre entier (des chiffres seulement)." in page
    assert "Indicateur inconnu : « Indicateur inventé »." in page
    assert "Importer dans le brouillon" not in page
    # Confirming anyway writes nothing.
    form = _mapping(client.get(check_url).get_data(as_text=True)) | {"confirm": "1"}
    refused = client.post(check_url, data=form)
    assert refused.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(Contribution)) is None

    # Corrected file: the dry run lists old → new, the import writes it as a draft, once.
    filled[1 + codes.index("participants")][4] = 12
    filled.pop()
    response = _upload(client, base, _xlsx(filled), "bilan.xlsx")
    check_url = response.headers["Location"]
    page = htmllib.unescape(client.get(check_url).get_data(as_text=True))
    assert "Aucune erreur" in page and "4 valeurs à changer" in page
    form = _mapping(page) | {"confirm": "1"}
    done = client.post(check_url, data=form)
    assert done.status_code == 302 and done.headers["Location"].endswith(base)
    with app.app_context():
        contribution = db.session.scalar(select(Contribution))
        assert contribution.status == "draft"
        values = {v.indicator_id: (v.number, v.text) for v in db.session.scalars(select(ContributionValue))}
        assert values[ids["hours_achieved"]] == (7600, None) and values[ids["participants"]] == (12, None)
        assert values[ids["highlights"]] == (None, "Premier marché réservé")
        change = db.session.scalar(select(ContributionChange).where(ContributionChange.action == "imported"))
        assert {"indicator_id": ids["hours_planned"], "label": "Heures d'insertion prévues", "old": "",
                "new": "8\u202f000"} in change.fields
    # The upload is gone once imported: the page sends back to the upload step.
    assert client.get(check_url).status_code == 302
    # A refused value shows beside what stays: the current value.
    filled[1 + codes.index("participants")][4] = "12,5"
    check_url = _upload(client, base, _xlsx(filled), "bilan.xlsx").headers["Location"]
    page = client.get(check_url).get_data(as_text=True)
    refused_row = page[:page.index("Valeur « 12,5 » refusée")].rsplit("<tr", 1)[1]
    assert "<td>12</td>" in refused_row, refused_row


def test_csv_from_french_excel_by_label_and_blank_values_change_nothing(app, client, login_as, network):
    ids = indicator_ids(app)
    _campaign(client, login_as, network)
    login_as(network.alice)
    base = f"/reports/2026/fill/{network.metro}/{network.metro_structure}"
    data = ("Indicateur;Valeur\r\nHeures d'insertion réalisées;1 250\r\nParticipants;\r\n"
            "Heures d'insertion réalisées;3\r\n").encode("cp1252")
    check_url = _upload(client, base, data, "suivi.csv").headers["Location"]
    page = htmllib.unescape(client.get(check_url).get_data(as_text=True))
    assert "Encodage : Windows-1252 · séparateur : point-virgule · 3 lignes de données." in page
    assert "Doublon : cet indicateur figure déjà ligne 2." in page
    data = "Indicateur;Valeur\r\nHeures d'insertion réalisées;1 250\r\nParticipants;\r\n".encode("cp1252")
    check_url = _upload(client, base, data, "suivi.csv").headers["Location"]
    page = client.get(check_url).get_data(as_text=True)
    client.post(check_url, data=_mapping(page) | {"confirm": "1"})
    with app.app_context():
        values = {v.indicator_id: v.number for v in db.session.scalars(select(ContributionValue))}
        assert values == {ids["hours_achieved"]: 1250}


def test_a_label_two_indicators_share_is_refused_until_the_code_says_which(app, client, login_as, network):
    from network_space.reports.models import Indicator

    with app.app_context():  # an admin named a second indicator like an existing one, in another section
        db.session.add(Indicator(code="participants_esat", label="Participants", group="publics", position=99))
        db.session.commit()
    _campaign(client, login_as, network)
    login_as(network.alice)
    base = f"/reports/2026/fill/{network.metro}/{network.metro_structure}"
    check_url = _upload(client, base, "Indicateur;Valeur\r\nParticipants;12\r\n".encode(), "suivi.csv").headers["Location"]
    page = htmllib.unescape(client.get(check_url).get_data(as_text=True))
    assert "« Participants » désigne plusieurs indicateurs (participants, participants_esat) : indiquez le code." in page


def test_upload_is_bound_to_its_owner_and_contribution(app, client, login_as, network):
    _campaign(client, login_as, network)
    login_as(network.alice)
    base = f"/reports/2026/fill/{network.metro}/{network.metro_structure}"
    check_url = _upload(client, base, b"Code;Valeur\r\nparticipants;3\r\n", "a.csv").headers["Location"]
    token = check_url.rsplit("/", 1)[1]
    login_as(network.bruno)  # same contribution, another person
    assert client.get(check_url).status_code == 302
    login_as(network.alice)
    other = f"/reports/2026/fill/{network.capi}/{network.capi_structure}/import/{token}"
    assert client.get(other).status_code == 403  # not hers
    refused = _upload(client, base, b"\x00\x01binary", "a.csv")
    assert "pas un fichier texte CSV ni un classeur XLSX" in htmllib.unescape(refused.get_data(as_text=True))
