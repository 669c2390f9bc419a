"""The one import mechanism's reading side: XLSX workbooks as typed, damaged or inflated files
refused with a French message, CSV limits; and the upload store bound to its owner."""
from __future__ import annotations

import datetime
import io
import zipfile

import openpyxl
import pytest

from network_space.core import spreadsheet


def _xlsx(rows) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.create_sheet("Autre").append(["ignorée"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_first_sheet_of_a_workbook_is_read_as_a_member_would_type_it(ctx):
    raw = _xlsx([["Nom", "Effectif", "Date", "Actif", None], [None, None, None, None, None],
                 ["ESAT Les Pins", 12.0, datetime.date(2026, 3, 1), True, None], ["=1+1", 2.5, None, False]])
    parsed = spreadsheet.read_table(raw, "a.xlsx", max_bytes=100_000)
    assert parsed.is_workbook and parsed.encoding == "XLSX"
    assert parsed.header == ["Nom", "Effectif", "Date", "Actif"]
    # The empty line is skipped; numbers lose a useless ".0"; a formula is never evaluated: its
    # result as the spreadsheet saved it is read (none here: openpyxl saves no results).
    assert parsed.rows == [(3, ["ESAT Les Pins", "12", "01/03/2026", "oui"]), (4, ["", "2.5", "", "non"])]


def test_damaged_and_inflated_workbooks_are_refused_in_french(ctx):
    with pytest.raises(spreadsheet.SpreadsheetError, match="n'a pas pu être lu"):
        spreadsheet.read_table(b"PK\x03\x04" + b"not a zip at all" * 10, "a.xlsx", max_bytes=100_000)
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<a>" + b" " * 50_000_000 + b"</a>")
    with pytest.raises(spreadsheet.SpreadsheetError, match="anormalement volumineux"):
        spreadsheet.read_table(bomb.getvalue(), "a.xlsx", max_bytes=10_000_000)


def test_limits_of_lines_columns_and_size(ctx):
    with pytest.raises(spreadsheet.SpreadsheetError, match="dépasse 3 lignes"):
        spreadsheet.read_table(b"a;b\n" + b"1;2\n" * 4, "a.csv", max_bytes=1000, max_rows=3)
    with pytest.raises(spreadsheet.SpreadsheetError, match="plus de 60 colonnes"):
        spreadsheet.read_table(_xlsx([list(range(61)), list(range(61))]), "a.xlsx", max_bytes=100_000)
    with pytest.raises(spreadsheet.SpreadsheetError, match="dépasse 1 Ko"):
        spreadsheet.read_table(b"a;b\n" + b"1;2\n" * 400, "a.csv", max_bytes=1024)


def test_uploads_are_kept_for_their_owner_only(app, ctx, make_user):
    alice, bruno = make_user(), make_user()
    store = spreadsheet.UploadStore("test")
    token = store.save(b"a;b\n1;2\n", "fichier.csv", alice, target="x")
    assert store.load(token, alice) == (b"a;b\n1;2\n", {"target": "x", "user_id": alice.id, "filename": "fichier.csv"})
    assert store.load(token, bruno) is None
    assert store.load("../../etc/passwd", alice) is None
    store.discard(token)
    assert store.load(token, alice) is None


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_cells_exported_with_an_apostrophe_come_back_as_typed(ctx, extension):
    """Export (neutralised against formulas), edit, import: the text is what the member typed."""
    rows = [["Code", "Valeur"], ["highlights", "- un chantier réservé"], ["formula", "=1+1"], ["at", "@mention"],
            ["quote", "'déjà entre apostrophes'"]]
    raw = spreadsheet.to_csv(rows) if extension == "csv" else spreadsheet.to_xlsx(rows, "Bilan")
    assert b"'- un chantier" in raw or extension == "xlsx"  # what leaves is neutralised
    parsed = spreadsheet.read_table(raw, f"modele.{extension}", max_bytes=100_000)
    assert [cells for _line, cells in parsed.rows] == rows[1:]


def test_rows_are_numbered_as_a_spreadsheet_shows_them_and_tabs_are_read(ctx):
    """A cell holding line breaks is one row in Excel: the rows after it keep their numbers (the
    file's physical lines put them off). A tab-separated file is read as such, not as one column."""
    text = 'Nom;Description\r\n"ESAT A";"ligne 1\r\nligne 2\r\nligne 3"\r\nESAT B;courte\r\n\r\nESAT C;après un vide\r\n'
    parsed = spreadsheet.read_table(text.encode("utf-8"), "a.csv", max_bytes=100_000)
    assert [(line, cells[0]) for line, cells in parsed.rows] == [(2, "ESAT A"), (3, "ESAT B"), (5, "ESAT C")]
    tabs = spreadsheet.read_table("Nom\tType\tCommune\r\nESAT A\tESAT\tVoiron\r\n".encode("utf-8"), "a.tsv",
                                  max_bytes=100_000)
    assert tabs.delimiter == "\t" and tabs.header == ["Nom", "Type", "Commune"] and tabs.rows[0][1] == ["ESAT A", "ESAT", "Voiron"]


def test_a_workbook_whose_first_sheet_is_empty_says_which_sheet_was_read(ctx):
    workbook = openpyxl.Workbook()
    workbook.active.title = "Notes"
    workbook.active.append(["À lire avant de remplir"])
    data_sheet = workbook.create_sheet("Partenaires")
    data_sheet.append(["Nom", "Type"])
    data_sheet.append(["ESAT A", "ESAT"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(spreadsheet.SpreadsheetError, match="La première feuille du classeur, « Notes », ne contient "
                                                           "aucune ligne de données sous l'en-tête : seule la première "
                                                           "feuille est lue."):
        spreadsheet.read_table(buffer.getvalue(), "partenaires.xlsx", max_bytes=1_000_000)
