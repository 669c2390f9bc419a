"""Tables exported for spreadsheets: CSV as French Excel opens it, and XLSX.

Spreadsheets execute a cell that starts with = + - @ (and tab or CR, which some strip first).
Exported cells come from what members typed, so every such text cell gets a leading apostrophe
and stays text. Numbers pass through as numbers.
"""
from __future__ import annotations

import csv
import io
from typing import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def to_csv(rows: Iterable[Sequence]) -> bytes:
    """UTF-8 with a BOM and semicolons: what Excel in French expects when the file is opened."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(rows: Iterable[Sequence], sheet_title: str, *, widths: Sequence[int] = (), doc_title: str = "") -> bytes:
    """The first row is the header (bold, frozen)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title[:31]  # Excel's limit on sheet names
    for row in rows:
        sheet.append([neutralise(cell) for cell in row])
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
