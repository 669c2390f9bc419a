"""Export of the filtered directory to CSV (UTF-8 with BOM, semicolons: what Excel in French
opens directly) and XLSX. Headers are the import's, so an export can be re-imported.
Formula-safe through core.spreadsheet."""
from __future__ import annotations

from flask_babel import gettext as _

from network_space.core import spreadsheet
from network_space.directory.importer import IMPORT_FIELDS
from network_space.directory.models import Organisation
from network_space.directory.siret import format_siret


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
        (_("Dernière vérification"), lambda o: o.last_checked_on or ""),  # a date cell in XLSX
        (_("Statut"), lambda o: _("active") if o.active else _("archivée")),
    ]
    if include_notes:
        cols.insert(20, (label["internal_notes"], lambda o: o.internal_notes))
    return cols


def _rows(organisations: list[Organisation], include_notes: bool):
    cols = columns(include_notes)
    yield [header for header, _get in cols]
    for org in organisations:
        yield [get(org) for _header, get in cols]


def to_csv(organisations: list[Organisation], include_notes: bool) -> bytes:
    return spreadsheet.to_csv(_rows(organisations, include_notes))


def to_xlsx(organisations: list[Organisation], include_notes: bool) -> bytes:
    return spreadsheet.to_xlsx(_rows(organisations, include_notes), _("Annuaire"))
