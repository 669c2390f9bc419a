"""Spreadsheets: tables exported as CSV (as French Excel opens it) and XLSX, and the one import
mechanism (read a CSV or XLSX file, keep it between steps, map its columns, check each line).

Spreadsheets execute a cell that starts with = + - @ (and tab or CR, which some strip first).
Exported cells come from what members typed, so every such text cell of a CSV file gets a leading
apostrophe and stays text (and loses it when the file comes back through read_table); an XLSX
workbook writes them as text cells, which are never run, as typed. Numbers pass through as
numbers; dates and times (an aware datetime is shown in Paris time) as dates: "dd/mm/yyyy hh:mm"
in CSV, a date cell with that format in a workbook, so that Excel sorts and filters them.
"""
from __future__ import annotations

import csv
import datetime
import io
import json
import re
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Sequence

from flask import current_app
from flask_babel import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from network_space.core.archives import archive_problem
from network_space.core.dates import to_paris
from network_space.core.i18n import fold
from network_space.core.storage import write_failure
from network_space.core.transactions import Refusal

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def restore(text: str) -> str:
    """What neutralise() exported, as it was typed: a file exported here, edited and imported
    back keeps "- un tiret" without the apostrophe added on the way out."""
    return text[1:] if text.startswith("'") and text[1:2] and text[1] in FORMULA_PREFIXES else text


def _paris(value):
    """A datetime as Paris wall-clock time, without a zone (neither CSV nor XLSX keeps one)."""
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return to_paris(value).replace(tzinfo=None)
    return value


def _date_format(value) -> str:
    return "%d/%m/%Y %H:%M" if isinstance(value, datetime.datetime) else "%d/%m/%Y"


def _csv_cell(value):
    # Excel in French reads "12,5" as a number and "12.5" as text, and "31/12/2026 09:30" as a date.
    if isinstance(value, float):
        return repr(value).replace(".", ",")
    if isinstance(value, datetime.date):
        return _paris(value).strftime(_date_format(value))
    return neutralise(value)


def to_csv(rows: Iterable[Sequence]) -> bytes:
    """UTF-8 with a BOM and semicolons: what Excel in French expects when the file is opened."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerows([_csv_cell(cell) for cell in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def _xlsx_cell(value):
    # A workbook's text cell is never run, whatever it starts with (it is written as an inline
    # string, to_xlsx below): no apostrophe to show, unlike CSV.
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    if isinstance(value, datetime.date):
        return _paris(value)
    # Nothing to say (no phone, attendance not recorded) is no cell at all, as a person leaves it:
    # an empty text cell is not blank to Excel (ISBLANK, "Go to special > Blanks", COUNTA).
    return None if value is None or value == "" else str(value)


def to_xlsx(rows: Iterable[Sequence], sheet_title: str, *, widths: Sequence[int] = (), doc_title: str = "") -> bytes:
    """The first row is the header (bold, frozen)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title[:31]  # Excel's limit on sheet names
    for row in rows:
        sheet.append([_xlsx_cell(cell) for cell in row])
        for cell in sheet[sheet.max_row]:
            if cell.data_type == "f":  # openpyxl reads a text starting with "=" as a formula
                cell.data_type = "s"
            elif cell.is_date:
                cell.number_format = "DD/MM/YYYY HH:MM" if isinstance(cell.value, datetime.datetime) else "DD/MM/YYYY"
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for index in range(1, sheet.max_column + 1):
        width = widths[index - 1] if index <= len(widths) else 24
        sheet.column_dimensions[get_column_letter(index)].width = width
    if doc_title:
        workbook.properties.title = doc_title[:200]
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- import ----------------------------------------------------------------------------------
#
# Every import (the directory's partners, a report contribution) goes the same way: the file is
# read here (CSV in any encoding and delimiter a French spreadsheet writes, or the first sheet of
# an XLSX workbook), kept server-side under a random token bound to its uploader, mapped column
# by column, checked line by line in a dry run, and written only when the user confirms. Only the
# mapping fields and the checks of a line belong to the importing domain.

MAX_IMPORT_ROWS = 2000
MAX_COLUMNS = 60
UPLOAD_MAX_AGE = 24 * 3600
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32,64}$")


class SpreadsheetError(Refusal):
    """A file that cannot be read at all, or an import refused; the message is French."""


@dataclass
class ParsedFile:
    filename: str
    encoding: str  # "UTF-8", "Windows-1252", or "XLSX" for a workbook
    delimiter: str  # "" for a workbook
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (line number in the file, cells)

    @property
    def is_workbook(self) -> bool:
        return self.encoding == "XLSX"


def normalise(text: str) -> str:
    """Lower-case, no accents, single spaces: how headers and reference names are compared."""
    plain = re.sub(r"[^a-z0-9@+-]+", " ", fold(text).replace("’", "'").replace("'", " "))
    return " ".join(plain.split())


def decode(raw: bytes) -> tuple[str, str]:
    if b"\x00" in raw:
        raise SpreadsheetError(_("Ce fichier n'est pas un fichier texte CSV ni un classeur XLSX."))
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace"), "UTF-8"
    try:
        return raw.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace"), "Windows-1252"


DELIMITERS = ";,\t"  # what a spreadsheet writes: French Excel, others, "tab-separated values"


def sniff_delimiter(text: str) -> str:
    sample = text[:20_000]
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        first_line = sample.split("\n", 1)[0]
        return max(DELIMITERS, key=first_line.count)  # the first, ";", when none is there


def read_table(raw: bytes, filename: str, *, max_bytes: int, max_rows: int = MAX_IMPORT_ROWS) -> ParsedFile:
    """The header and the non-empty lines of a CSV file or of an XLSX workbook's first sheet,
    every cell as stripped text. Raises SpreadsheetError with a French message."""
    if not raw.strip():
        raise SpreadsheetError(_("Le fichier est vide."))
    if len(raw) > max_bytes:
        raise SpreadsheetError(_("Le fichier dépasse %(n)d Ko.", n=max_bytes // 1024))
    read_from: dict[str, str] = {}  # the workbook's sheet read, named in a refusal
    if raw.startswith(b"PK\x03\x04"):
        encoding, delimiter, lines = "XLSX", "", _workbook_lines(raw, read_from)
    else:
        text, encoding = decode(raw)
        delimiter = sniff_delimiter(text)
        lines = _csv_lines(text, delimiter)
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    for line, cells in lines:
        if not any(cells):
            continue
        cells = [restore(cell) for cell in cells]
        if header is None:
            if len(cells) > MAX_COLUMNS:
                raise SpreadsheetError(_("Le fichier a plus de %(n)d colonnes.", n=MAX_COLUMNS))
            header = cells
            continue
        if len(rows) >= max_rows:
            raise SpreadsheetError(_("Le fichier dépasse %(n)d lignes : découpez-le.", n=max_rows))
        rows.append((line, cells))
    if header is None or not rows:
        if read_from.get("sheet"):
            raise SpreadsheetError(_("La première feuille du classeur, « %(sheet)s », ne contient aucune ligne de "
                                     "données sous l'en-tête : seule la première feuille est lue.",
                                     sheet=read_from["sheet"][:60]))
        raise SpreadsheetError(_("Le fichier ne contient aucune ligne de données sous l'en-tête."))
    return ParsedFile(filename, encoding, delimiter, header, rows)


def _csv_lines(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """Each record with its row number as a spreadsheet shows it: a cell holding line breaks is
    one row there, not several (the file's physical lines put every later number off)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, [cell.strip() for cell in cells]
    except csv.Error:
        raise SpreadsheetError(_("Le fichier CSV est mal formé (guillemets non fermés ?).")) from None


def _workbook_lines(raw: bytes, read_from: dict) -> Iterator[tuple[int, list[str]]]:
    """The first sheet's rows, values as displayed (formulas' cached results, never evaluated);
    its name goes in ``read_from["sheet"]``. The zip is checked for a decompression bomb before
    openpyxl reads it; cells past the column limit are not read at all."""
    unreadable = SpreadsheetError(_("Ce classeur n'a pas pu être lu : enregistrez-le à nouveau au format XLSX "
                                    "ou en CSV."))
    problem = archive_problem(io.BytesIO(raw))
    if problem == "unreadable":
        raise unreadable
    if problem is not None:
        raise SpreadsheetError(_("Le classeur est refusé : son contenu décompressé serait anormalement volumineux."))
    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception:  # openpyxl raises anything from KeyError to XML errors on a damaged file
        raise unreadable from None
    try:
        sheet = workbook.worksheets[0]
        read_from["sheet"] = sheet.title
        for number, values in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True), start=1):
            cells = [_cell_text(value) for value in values]
            while cells and not cells[-1]:
                cells.pop()
            yield number, cells
    except SpreadsheetError:
        raise
    except Exception:
        raise unreadable from None
    finally:
        workbook.close()


def _cell_text(value) -> str:
    """A workbook cell as a member would type it in a CSV file."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y") if value.time() == datetime.time() else value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


# Importable fields of one importer: key → (label, other French headers that mean it).
Fields = Mapping[str, tuple[Any, Sequence[str]]]


def guess_mapping(header: Sequence[str], fields: Fields) -> list[str]:
    """For each column, the field its header names ('' when none); a field is used once."""
    aliases = {normalise(str(label)): key for key, (label, _names) in fields.items()}
    for key, (_label, names) in fields.items():
        for name in names:
            aliases.setdefault(normalise(name), key)
    used: set[str] = set()
    mapping = []
    for column in header:
        key = aliases.get(normalise(column), "")
        if key in used:
            key = ""
        used.add(key)
        mapping.append(key)
    return mapping


def read_mapping(form, header: Sequence[str], fields: Fields, required: Mapping[str, str]) -> tuple[list[str], list[str]]:
    """The mapping posted as ``map-<column>`` fields, and the French problems with it: a field
    chosen twice, or a required field (key → message) chosen for no column."""
    mapping = []
    for i in range(len(header)):
        value = form.get(f"map-{i}", "")
        mapping.append(value if value in fields else "")
    problems = []
    chosen = [key for key in mapping if key]
    for key in sorted(set(chosen)):
        if chosen.count(key) > 1:
            problems.append(_("Le champ « %(field)s » est choisi pour plusieurs colonnes.", field=fields[key][0]))
    problems += [message for key, message in required.items() if key not in chosen]
    return mapping, problems


def column_examples(parsed: ParsedFile, limit: int = 5) -> list[list[str]]:
    """For each column, its first non-empty values: what the mapping step shows."""
    return [[cells[i] for _line, cells in parsed.rows[:limit] if i < len(cells) and cells[i]]
            for i in range(len(parsed.header))]


@dataclass(frozen=True)
class UploadStore:
    """Uploaded files kept between the steps of an import, under DATA_DIR/imports/<purpose>/.

    The browser only ever holds the random token; the owner and original name are in a JSON
    sidecar, re-checked on every step. Abandoned uploads are forgotten after a day."""

    purpose: str

    def _dir(self) -> Path:
        path = Path(current_app.config["DATA_DIR"]) / "imports" / self.purpose
        path.mkdir(parents=True, exist_ok=True)
        return path

    def save(self, raw: bytes, filename: str, user, **meta) -> str:
        """Keep the file for the next steps; raises SpreadsheetError when it cannot be written
        (a full disk: the form is shown again with what was typed)."""
        folder = self._dir()
        now = time.time()
        for old in folder.glob("*.json"):
            if now - old.stat().st_mtime > UPLOAD_MAX_AGE:
                old.with_suffix(".data").unlink(missing_ok=True)
                old.unlink(missing_ok=True)
        token = secrets.token_urlsafe(32)
        try:
            (folder / f"{token}.data").write_bytes(raw)
            (folder / f"{token}.json").write_text(json.dumps({**meta, "user_id": user.id, "filename": filename[:200]}))
        except OSError as error:
            (folder / f"{token}.data").unlink(missing_ok=True)
            raise SpreadsheetError(str(write_failure(error))) from error
        return token

    def load(self, token: str, user) -> tuple[bytes, dict] | None:
        """The file behind a token and its metadata, if it is the user's and not expired."""
        if not TOKEN_RE.match(token or ""):
            return None
        folder = self._dir()
        meta_path = folder / f"{token}.json"
        try:
            meta = json.loads(meta_path.read_text())
            if meta.get("user_id") != user.id or time.time() - meta_path.stat().st_mtime > UPLOAD_MAX_AGE:
                return None
            return (folder / f"{token}.data").read_bytes(), meta
        except (OSError, ValueError):
            return None

    def discard(self, token: str) -> None:
        if TOKEN_RE.match(token or ""):
            folder = self._dir()
            (folder / f"{token}.data").unlink(missing_ok=True)
            (folder / f"{token}.json").unlink(missing_ok=True)


@dataclass
class ImportLine:
    """One line of a dry run: what it would do, or why it cannot."""

    line: int
    data: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    action: str = "create"  # the importer's own actions, and "error"

    @property
    def ok(self) -> bool:
        return not self.problems
