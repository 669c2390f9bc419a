"""Export of the filtered list: CSV for French Excel and XLSX, formula injection neutralised."""
from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime

from openpyxl import load_workbook

HOSTILE = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+33 4 76 00 00 00", "-2+3", "@SUM(A1:A2)", "\tcmd", "\rcmd"]


def test_csv_export_is_excel_friendly_and_neutralised(app, client, login_as, reference, make_org):
    make_org(name=HOSTILE[0], kind="esat", phone=HOSTILE[1], commune=HOSTILE[2], trade_name=HOSTILE[3],
             description=HOSTILE[4], address=HOSTILE[5], whole=True)
    make_org(name="Autre (fictif)", kind="aci", served=["Vercors"])
    login_as("member")
    response = client.get("/directory/export.csv?kind=esat")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"  # once
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""), delimiter=";"))
    header, data = rows[0], rows[1:]
    assert len(data) == 1  # the filters apply to the export
    row = dict(zip(header, data[0]))
    assert row["Nom"] == "'" + HOSTILE[0]
    assert row["Téléphone"] == "'" + HOSTILE[1]
    assert row["Commune"] == "'" + HOSTILE[2]
    assert row["Nom commercial"] == "'" + HOSTILE[3]
    assert row["Présentation"] == "'" + HOSTILE[4]
    assert row["Adresse"] == "'" + HOSTILE[5]
    assert row["Tout le département"] == "oui"
    for value in data[0]:
        assert not value.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_xlsx_export_read_back_with_openpyxl(app, client, login_as, reference, make_org):
    make_org(name=HOSTILE[0], kind="esat", phone=HOSTILE[1], commune=HOSTILE[2], trade_name=HOSTILE[3],
             description=HOSTILE[4], internal_notes="=1+1", workforce=12, last_checked_on=date(2026, 11, 3))
    login_as("member")
    assert "03/11/2026" in client.get("/directory/export.csv").get_data().decode("utf-8-sig")
    response = client.get("/directory/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    rows = list(sheet.iter_rows(values_only=True))
    row = dict(zip(rows[0], rows[1]))
    assert row["Nom"] == HOSTILE[0]  # as typed, in a text cell: never run (unlike CSV, no apostrophe)
    assert row["Notes internes"] == "=1+1"
    assert row["Effectif"] == 12
    # A date the spreadsheet sorts and filters, shown the French way.
    assert row["Dernière vérification"] == datetime(2026, 11, 3)
    checked = sheet.cell(row=2, column=rows[0].index("Dernière vérification") + 1)
    assert checked.is_date and checked.number_format == "DD/MM/YYYY"
    for cell in sheet[2]:
        assert cell.data_type != "f"
    with zipfile.ZipFile(io.BytesIO(response.get_data())) as package:  # the file itself holds no formula
        assert b"<f>" not in package.read("xl/worksheets/sheet1.xml")


def test_export_round_trips_through_the_import_mapping(app, client, login_as, reference, make_org):
    from network_space.directory.importer import guess_mapping

    make_org(name="Ronde (fictif)")
    login_as("member")
    body = client.get("/directory/export.csv").get_data().decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(body), delimiter=";"))
    mapping = guess_mapping(header)
    assert {"name", "kind", "siret", "commune", "served_territories", "contact_name"} <= set(mapping)
