"""Partners imported from a CSV or XLSX file by co-animators: upload, mapping preview, dry run,
then one all-or-nothing write.

Reading the file, keeping it between the steps and the column mapping are the site's one
import mechanism (core/spreadsheet.py); this module holds what is the directory's own: its
fields, the checks of a line against the directory, and the write.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from network_space.accounts.models import Territory, fold
from network_space.core import spreadsheet
from network_space.core.i18n import lazy_gettext as _l
from network_space.core.numbers import fmt_number
from network_space.core.spreadsheet import ImportLine, ParsedFile, normalise
from network_space.directory import services
from network_space.directory.models import SERVICE_TYPES, Organisation, OrganisationKind
from network_space.directory.siret import InvalidSiret, format_siret, normalize_siret
from network_space.extensions import db
from network_space.library.models import Sector

DEFAULT_MAX_IMPORT_KB = 2048  # DIRECTORY_IMPORT_MAX_KB overrides it
MAX_IMPORT_ROWS = spreadsheet.MAX_IMPORT_ROWS
ImportError_ = spreadsheet.SpreadsheetError
_uploads = spreadsheet.UploadStore("directory")


# Importable fields: label (also the header the export writes) and French headers that mean it.
IMPORT_FIELDS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "name": (_l("Nom"), ("nom", "raison sociale", "denomination", "nom de la structure", "structure", "organisation")),
    "trade_name": (_l("Nom commercial"), ("nom commercial", "enseigne", "nom d usage")),
    "kind": (_l("Type"), ("type", "type de structure", "categorie", "nature", "statut")),
    "siret": (_l("SIRET"), ("siret", "n siret", "no siret", "numero siret", "numero de siret")),
    "address": (_l("Adresse"), ("adresse", "adresse postale", "rue")),
    "postcode": (_l("Code postal"), ("code postal", "cp")),
    "commune": (_l("Commune"), ("commune", "ville", "localite")),
    "territory": (_l("Territoire (EPCI)"), ("territoire", "territoire epci", "epci", "intercommunalite")),
    "phone": (_l("Téléphone"), ("telephone", "tel", "tel standard")),
    "email": (_l("Email"), ("email", "e mail", "courriel", "mail", "adresse email")),
    "website": (_l("Site web"), ("site web", "site", "site internet", "url")),
    "sectors": (_l("Secteurs d'activité"), ("secteurs d activite", "secteur d activite", "secteurs", "secteur",
                                             "activites", "domaines d activite")),
    "services": (_l("Types de prestation"), ("types de prestation", "type de prestation", "prestations")),
    "whole_departement": (_l("Tout le département"), ("tout le departement", "intervient sur tout le departement",
                                                       "departement entier")),
    "served_territories": (_l("Territoires d'intervention"), ("territoires d intervention", "zone d intervention",
                                                              "territoires servis")),
    "workforce": (_l("Effectif"), ("effectif", "effectifs", "nombre de salaries")),
    "reserved_l2113_12": (_l("Éligible L2113-12"), ("eligible l2113-12", "l2113-12", "marche reserve l2113-12")),
    "reserved_l2113_13": (_l("Éligible L2113-13"), ("eligible l2113-13", "l2113-13", "marche reserve l2113-13")),
    "description": (_l("Présentation"), ("presentation", "description")),
    "internal_notes": (_l("Notes internes"), ("notes internes", "notes", "commentaire", "commentaires")),
    "contact_name": (_l("Contact : nom"), ("contact nom", "contact", "nom du contact", "personne a contacter", "referent")),
    "contact_role": (_l("Contact : fonction"), ("contact fonction", "fonction du contact", "fonction")),
    "contact_email": (_l("Contact : email"), ("contact email", "email du contact", "courriel du contact")),
    "contact_phone": (_l("Contact : téléphone"), ("contact telephone", "telephone du contact", "tel du contact")),
}
TEXT_LIMITS = {"name": 200, "trade_name": 200, "address": 300, "commune": 120, "phone": 30, "website": 300,
               "description": 10_000, "internal_notes": 10_000, "contact_name": 120, "contact_role": 120,
               "contact_phone": 30}
BOOLEAN_FIELDS = ("whole_departement", "reserved_l2113_12", "reserved_l2113_13")
TRUE_WORDS = {"oui", "o", "x", "1", "vrai", "yes", "y", "true"}
FALSE_WORDS = {"non", "n", "0", "faux", "no", "false", ""}


# --- reading the file and keeping it between steps ----------------------------------------

def max_import_bytes() -> int:
    return int(current_app.config["DIRECTORY_IMPORT_MAX_KB"]) * 1024


def parse(raw: bytes, filename: str) -> ParsedFile:
    return spreadsheet.read_table(raw, filename, max_bytes=max_import_bytes())


def guess_mapping(header: list[str]) -> list[str]:
    return spreadsheet.guess_mapping(header, IMPORT_FIELDS)


def read_mapping(form, header: list[str]) -> tuple[list[str], list[str]]:
    """The mapping posted by the form, and the French problems with it."""
    return spreadsheet.read_mapping(form, header, IMPORT_FIELDS,
                                    required={"name": _("Indiquez la colonne qui contient le nom.")})


def save_upload(raw: bytes, filename: str, user) -> str:
    return _uploads.save(raw, filename, user)


def load_upload(token: str, user) -> ParsedFile | None:
    """The file behind a token, if it is the user's and not expired; None otherwise."""
    upload = _uploads.load(token, user)
    if upload is None:
        return None
    raw, meta = upload
    try:
        return parse(raw, meta.get("filename") or "import.csv")
    except ImportError_:
        return None


def discard_upload(token: str) -> None:
    _uploads.discard(token)


# --- dry run -------------------------------------------------------------------------------

@dataclass
class RowResult(ImportLine):
    name: str = ""
    existing: Organisation | None = None  # action: create, update, skip or error


@dataclass
class ImportReport:
    rows: list[RowResult]
    on_duplicate: str

    @property
    def errors(self) -> list[RowResult]:
        return [row for row in self.rows if row.problems]

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)


class _References:
    """Kinds, territories, sectors and existing organisations, each loaded in one query."""

    def __init__(self, rows: list[RowResult]):
        self.kinds: dict[str, OrganisationKind] = {}
        for kind in db.session.scalars(select(OrganisationKind)):
            self.kinds[normalise(kind.name)] = kind
            self.kinds[normalise(kind.slug)] = kind
        self.territories: dict[str, Territory] = {}
        for territory in db.session.scalars(select(Territory)):
            self.territories[normalise(territory.name)] = territory
            if territory.short_name:
                self.territories[normalise(territory.short_name)] = territory
        self.sectors: dict[str, Sector] = {}
        for sector in db.session.scalars(select(Sector)):
            self.sectors[normalise(sector.name)] = sector
            self.sectors[normalise(sector.slug)] = sector
        self.services = {normalise(str(label)): code for code, label in SERVICE_TYPES.items()}
        self.services.update({code: code for code in SERVICE_TYPES})
        sirets = {row.data["siret"] for row in rows if row.data.get("siret")}
        names = {name_key(row.name) for row in rows if row.name and not row.data.get("siret")}
        self.by_siret = {o.siret: o for o in db.session.scalars(select(Organisation).where(Organisation.siret.in_(sirets)))} if sirets else {}
        self.by_name: dict[str, Organisation] = {}
        if names:
            # Compared in Python: SQL's lower() leaves "Œ" and "É" as they are on SQLite, and an
            # organisation named with an accented capital was imported again.
            ids = [org_id for org_id, name in db.session.execute(select(Organisation.id, Organisation.name)
                                                                 .order_by(Organisation.id)) if name_key(name) in names]
            for org in db.session.scalars(select(Organisation).where(Organisation.id.in_(ids)).order_by(Organisation.id)):
                self.by_name.setdefault(name_key(org.name), org)


def name_key(name: str) -> str:
    """How an organisation's name is compared with the directory's: capitals, accents and spaces aside."""
    return " ".join(fold(name).split())


def _split(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;,|\n]", value) if part.strip()]


def _boolean(value: str, row: RowResult, label) -> bool | None:
    word = normalise(value)
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    row.problems.append(_("%(field)s : « %(value)s » n'est ni oui ni non.", field=label, value=value[:40]))
    return None


def _read_cells(row: RowResult, cells: dict[str, str]) -> None:
    """Check and convert the cells that need no reference data."""
    for key, limit in TEXT_LIMITS.items():
        if len(cells.get(key, "")) > limit:
            row.problems.append(_("%(field)s : %(max)s caractères au maximum.", field=IMPORT_FIELDS[key][0], max=fmt_number(limit)))
    if not row.name:
        row.problems.append(_("Nom manquant."))
    if cells.get("siret"):
        try:
            row.data["siret"] = normalize_siret(cells["siret"])
        except InvalidSiret as error:
            row.problems.append(_("SIRET « %(value)s » invalide : %(reason)s", value=cells["siret"][:30], reason=error))
    if cells.get("postcode"):
        if re.fullmatch(r"\d{5}", cells["postcode"]):
            row.data["postcode"] = cells["postcode"]
        else:
            row.problems.append(_("Code postal « %(value)s » invalide (5 chiffres).", value=cells["postcode"][:20]))
    for key in ("email", "contact_email"):
        if cells.get(key):
            try:
                row.data[key] = validate_email(cells[key], check_deliverability=False).normalized
            except EmailNotValidError:
                row.problems.append(_("%(field)s « %(value)s » invalide.", field=IMPORT_FIELDS[key][0], value=cells[key][:60]))
    if cells.get("workforce"):
        try:
            row.data["workforce"] = int(cells["workforce"].replace(" ", "").replace("\u202f", ""))
            if not 0 <= row.data["workforce"] <= 1_000_000:
                raise ValueError
        except ValueError:
            row.problems.append(_("Effectif « %(value)s » invalide.", value=cells["workforce"][:20]))
    for key in BOOLEAN_FIELDS:
        if key in cells and cells[key]:
            value = _boolean(cells[key], row, IMPORT_FIELDS[key][0])
            if value is not None:
                row.data[key] = value
    for key in ("trade_name", "address", "commune", "phone", "description", "internal_notes"):
        if cells.get(key):
            row.data[key] = cells[key]
    if cells.get("website"):
        url = cells["website"]
        row.data["website"] = url if re.match(r"^https?://", url, re.I) else f"https://{url}"
    if cells.get("contact_name"):
        row.data["contacts"] = [{"name": cells["contact_name"], "role": cells.get("contact_role", ""),
                                 "email": row.data.pop("contact_email", ""), "phone": cells.get("contact_phone", "")}]
    elif any(cells.get(key) for key in ("contact_email", "contact_role", "contact_phone")):
        # As the form does: a contact's address or phone without a name would vanish on saving.
        row.problems.append(_("Contact : indiquez le nom de la personne (son adresse, sa fonction ou son "
                              "téléphone seuls ne sont pas enregistrés)."))


def _resolve(row: RowResult, cells: dict[str, str], refs: _References) -> None:
    """Check the cells that name reference data (kind, territories, sectors, service types)."""
    if cells.get("kind"):
        kind = refs.kinds.get(normalise(cells["kind"]))
        if kind is None:
            row.problems.append(_("Type inconnu : « %(value)s ».", value=cells["kind"][:60]))
        else:
            row.data["kind"] = kind
    if cells.get("territory"):
        territory = refs.territories.get(normalise(cells["territory"]))
        if territory is None:
            row.problems.append(_("Territoire inconnu : « %(value)s ».", value=cells["territory"][:60]))
        else:
            row.data["territory"] = territory
    if cells.get("served_territories"):
        served = []
        for name in _split(cells["served_territories"]):
            if normalise(name) in ("tout le departement", "departement", "isere"):
                row.data["whole_departement"] = True
            elif (territory := refs.territories.get(normalise(name))) is not None:
                served.append(territory)
            else:
                row.problems.append(_("Territoire d'intervention inconnu : « %(value)s ».", value=name[:60]))
        row.data["served_territories"] = served
    if cells.get("sectors"):
        row.data["sectors"] = _known(row, cells["sectors"], refs.sectors,
                                     lambda name: _("Secteur d'activité inconnu : « %(value)s ».", value=name[:60]))
    if cells.get("services"):
        row.data["services"] = _known(row, cells["services"], refs.services,
                                      lambda name: _("Type de prestation inconnu : « %(value)s ».", value=name[:60]))


def _known(row, cell: str, table: dict, unknown) -> list:
    """The entries of ``table`` named in a list cell; each unknown name is one problem of the row."""
    found = []
    for name in _split(cell):
        entry = table.get(normalise(name))
        if entry is None:
            row.problems.append(unknown(name))
        else:
            found.append(entry)
    return found


def analyse(parsed: ParsedFile, mapping: list[str], on_duplicate: str) -> ImportReport:
    """The dry run: every row's problems and what would happen to it. Writes nothing."""
    report = ImportReport(rows=[], on_duplicate=on_duplicate if on_duplicate in ("skip", "update") else "skip")
    rows_cells = []
    for line, values in parsed.rows:
        cells = {key: (values[i] if i < len(values) else "") for i, key in enumerate(mapping) if key}
        row = RowResult(line=line, name=cells.get("name", ""))
        if row.name:
            row.data["name"] = row.name
        _read_cells(row, cells)
        report.rows.append(row)
        rows_cells.append(cells)
    refs = _References(report.rows)
    seen_siret: dict[str, int] = {}
    seen_name: dict[str, int] = {}
    for row, cells in zip(report.rows, rows_cells):
        _resolve(row, cells, refs)
        siret = row.data.get("siret")
        if siret:
            if siret in seen_siret:
                row.problems.append(_("Doublon dans le fichier : même SIRET que la ligne %(line)d.", line=seen_siret[siret]))
            seen_siret.setdefault(siret, row.line)
            row.existing = refs.by_siret.get(siret)
        elif row.name:
            key = name_key(row.name)
            if key in seen_name:
                row.problems.append(_("Doublon dans le fichier : même nom que la ligne %(line)d.", line=seen_name[key]))
            seen_name.setdefault(key, row.line)
            row.existing = refs.by_name.get(key)
        if row.existing is None and not cells.get("kind"):
            row.problems.append(_("Type manquant."))
        if row.problems:
            row.action = "error"
        elif row.existing is not None:
            row.action = report.on_duplicate
        else:
            row.action = "create"
    return report


def describe_existing(row: RowResult) -> str:
    org = row.existing
    if org is None:
        return ""
    if org.siret:
        return _("Déjà dans l'annuaire : « %(name)s » (SIRET %(siret)s).", name=org.name, siret=format_siret(org.siret))
    return _("Déjà dans l'annuaire : « %(name)s » (même nom).", name=org.name)


# --- the import ----------------------------------------------------------------------------

def run_import(report: ImportReport, actor) -> dict[str, int]:
    """Write every row in the caller's transaction (the caller commits, or rolls back on a
    refusal): nothing is half-imported. Refuses a report with problems."""
    if report.errors:
        raise ImportError_(_("Le fichier contient des erreurs : corrigez-les avant d'importer."))
    try:
        return _write_rows(report, actor)
    except services.DirectoryError as error:
        raise ImportError_(_("L'import a échoué (un SIRET vient d'être ajouté par quelqu'un d'autre ?) : "
                             "rien n'a été importé.")) from error


def _write_rows(report: ImportReport, actor) -> dict[str, int]:
    done = {"create": 0, "update": 0, "skip": 0}
    for row in report.rows:
        if row.action == "create":
            # No notifications: a file of 300 partners would flood every member.
            services.create_organisation(row.data, actor, action="import", notify_members=False)
        elif row.action == "update":
            # Empty cells never erase what the directory already knows; contacts are added.
            data = dict(row.data)
            if "contacts" in data:
                known = services.snapshot(row.existing)["contacts"]
                names = {contact["name"].lower() for contact in known}
                data["contacts"] = known + [c for c in data["contacts"] if c["name"].lower() not in names]
            if services.update_organisation(row.existing, data, actor, action="import", notify_members=False) is None:
                done["skip"] += 1  # the file says what the directory already knows
                continue
        done[row.action] += 1
    return done
