"""Export of the filtered directory to CSV (UTF-8 with BOM, semicolons: what Excel in French
opens directly) and XLSX. Headers are the import's, so an export can be re-imported.

Spreadsheets execute cells that start with = + - @ (and tab or CR, which some strip first):
every such cell gets a leading apostrophe, so a hostile name stays text."""
from __future__ import annotations

import csv
import io

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from network_space.directory.importer import IMPORT_FIELDS
from network_space.directory.models import Organisation
from network_space.directory.siret import format_siret

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _yes_no(value: bool) -> str:
    return _("oui") if value else _("non")


def columns(include_notes: bool) -> list[tuple[str, object]]:
    """(header, function of the organisation) in export order."""
    label = {key: str(value[0]) for key, value in IMPORT_FIELDS.items()}
    first_contact = lambda o, attr: getattr(o.contacts[0], attr) if o.contacts else ""  # noqa: E731
    cols = [
        (label["name"], lambda o: o.name),
        (label["trade_name"], lambda o: o.trade_name),
        (label["kind"], lambda o: o.kind.name),
        (_("Famille"), lambda o: o.kind.group_label),
        (label["siret"], lambda o: format_siret(o.siret)),
        (label["address"], lambda o: o.address),
        (label["postcode"], lambda o: o.postcode),
        (label["commune"], lambda o: o.commune),
        (label["territory"], lambda o: o.territory.name if o.territory else ""),
        (label["phone"], lambda o: o.phone),
        (label["email"], lambda o: o.email),
        (label["website"], lambda o: o.website),
        (label["sectors"], lambda o: ", ".join(s.name for s in o.sectors)),
        (label["services"], lambda o: ", ".join(o.service_labels)),
        (label["whole_departement"], lambda o: _yes_no(o.whole_departement)),
        (label["served_territories"], lambda o: ", ".join(t.name for t in o.served_territories)),
        (label["workforce"], lambda o: o.workforce if o.workforce is not None else ""),
        (label["reserved_l2113_12"], lambda o: _yes_no(o.reserved_l2113_12)),
        (label["reserved_l2113_13"], lambda o: _yes_no(o.reserved_l2113_13)),
        (label["description"], lambda o: o.description),
        (label["contact_name"], lambda o: first_contact(o, "name")),
        (label["contact_role"], lambda o: first_contact(o, "role")),
        (label["contact_email"], lambda o: first_contact(o, "email")),
        (label["contact_phone"], lambda o: first_contact(o, "phone")),
        (_("Dernière vérification"), lambda o: o.last_checked_on.strftime("%d/%m/%Y") if o.last_checked_on else ""),
        (_("Statut"), lambda o: _("active") if o.active else _("archivée")),
    ]
    if include_notes:
        cols.insert(20, (label["internal_notes"], lambda o: o.internal_notes))
    return cols


def _rows(organisations: list[Organisation], include_notes: bool):
    cols = columns(include_notes)
    yield [header for header, _get in cols]
    for org in organisations:
        yield [neutralise(get(org)) for _header, get in cols]


def to_csv(organisations: list[Organisation], include_notes: bool) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerows(_rows(organisations, include_notes))
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(organisations: list[Organisation], include_notes: bool) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Annuaire")
    for row in _rows(organisations, include_notes):
        # Every value is a string: openpyxl would otherwise store "=…" as a formula.
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for i, _col in enumerate(sheet.columns, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = 24
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
