"""Registrant lists as CSV and XLSX. Names and structures are typed by members: a cell starting
with = + - @ (or a tab/CR) would run as a formula in a spreadsheet, so it is quoted as text."""
from __future__ import annotations

import csv
import io

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from network_space.core.dates import fmt_datetime
from network_space.events.models import REG_WAITING, Registration

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def rows(registrations: list[Registration]) -> list[list[str]]:
    header = [_("Nom"), _("Email"), _("Structure"), _("Téléphone"), _("Statut"), _("Inscrit·e le")]
    body = []
    for registration in registrations:
        user = registration.user
        body.append([
            user.full_name,
            user.email,
            user.structure.name if user.structure else "",
            user.phone or "",
            _("Liste d'attente") if registration.status == REG_WAITING else _("Inscrit·e"),
            fmt_datetime(registration.created_at, "dd/MM/yyyy HH:mm"),
        ])
    return [header] + [[neutralise(cell) for cell in row] for row in body]


def to_csv(registrations: list[Registration]) -> bytes:
    buffer = io.StringIO()
    # Semicolons and a BOM: what Excel in French expects when the file is double-clicked.
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerows(rows(registrations))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(registrations: list[Registration], title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Inscrits")
    for row in rows(registrations):
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column, width in zip("ABCDEF", (28, 34, 34, 16, 16, 18)):
        sheet.column_dimensions[column].width = width
    workbook.properties.title = title[:200]
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
