"""A contribution filled from a spreadsheet (XLSX or CSV): the template, the dry run line by
line, and the write, through the site's one import mechanism (core/spreadsheet.py) — the same
reading, upload keeping and column mapping as the directory's import.

The file has one line per indicator: a code or a label, and a value. A value is checked by the
same rule as on the form (checks.parse_value); an empty value changes nothing."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from network_space.core import spreadsheet
from network_space.core.i18n import lazy_gettext as _l
from network_space.core.spreadsheet import ImportLine, ParsedFile, normalise
from network_space.reports import checks, contributions
from network_space.reports.models import Contribution, Indicator

MAX_IMPORT_KB = 1024
MAX_ROWS = 500
_uploads = spreadsheet.UploadStore("reports")

IMPORT_FIELDS: spreadsheet.Fields = {
    "code": (_l("Code"), ("code", "code indicateur", "identifiant")),
    "indicator": (_l("Indicateur"), ("indicateur", "libelle", "intitule", "indicateur libelle", "nom")),
    "value": (_l("Valeur"), ("valeur", "valeurs", "nombre", "total", "donnee", "quantite", "resultat")),
}
TEMPLATE_HEADER = ("Code", "Indicateur", "Rubrique", "Définition", "Valeur")

SET, SAME, EMPTY, ERROR = "set", "same", "empty", "error"


def template_rows(indicators: list[Indicator], values: dict[int, int | str | None]) -> list[list]:
    """The template: every indicator of the form, with its current value."""
    return [list(TEMPLATE_HEADER)] + [
        [i.code, i.label, i.group_label, i.definition, values.get(i.id) if values.get(i.id) is not None else ""]
        for i in indicators]


def parse(raw: bytes, filename: str) -> ParsedFile:
    return spreadsheet.read_table(raw, filename, max_bytes=MAX_IMPORT_KB * 1024, max_rows=MAX_ROWS)


def save_upload(raw: bytes, filename: str, user, target: str) -> str:
    """Keep the file for the next steps; ``target`` names the contribution it fills."""
    return _uploads.save(raw, filename, user, target=target)


def load_upload(token: str, user, target: str) -> ParsedFile | None:
    """The file behind a token, if it is the user's, for this contribution and not expired."""
    upload = _uploads.load(token, user)
    if upload is None or upload[1].get("target") != target:
        return None
    try:
        return parse(upload[0], upload[1].get("filename") or "import.csv")
    except spreadsheet.SpreadsheetError:
        return None


def discard_upload(token: str) -> None:
    _uploads.discard(token)


def guess_mapping(header: list[str]) -> list[str]:
    return spreadsheet.guess_mapping(header, IMPORT_FIELDS)


def read_mapping(form, header: list[str]) -> tuple[list[str], list[str]]:
    mapping, problems = spreadsheet.read_mapping(form, header, IMPORT_FIELDS, required={
        "value": _("Indiquez la colonne qui contient les valeurs.")})
    if "code" not in mapping and "indicator" not in mapping:
        problems.append(_("Indiquez la colonne qui contient le code ou le libellé de l'indicateur."))
    return mapping, problems


@dataclass
class Line(ImportLine):
    label: str = ""  # what the line names, as typed
    indicator: Indicator | None = None
    old: str = ""
    new: str = ""


@dataclass
class DryRun:
    lines: list[Line]

    @property
    def errors(self) -> list[Line]:
        return [line for line in self.lines if line.problems]

    def count(self, action: str) -> int:
        return sum(1 for line in self.lines if line.action == action)

    def values(self) -> dict[Indicator, int | str]:
        return {line.indicator: line.data["value"] for line in self.lines if line.action == SET}


def analyse(parsed: ParsedFile, mapping: list[str], indicators: list[Indicator],
            current: dict[int, int | str | None]) -> DryRun:
    """Every line's indicator and value, or its problems, and what would change. Writes nothing."""
    by_code = {normalise(i.code): i for i in indicators}
    by_label: dict[str, list[Indicator]] = {}
    for i in indicators:
        by_label.setdefault(normalise(i.label), []).append(i)
    seen: dict[int, int] = {}
    lines = []
    for number, values in parsed.rows:
        cells = {key: (values[i] if i < len(values) else "") for i, key in enumerate(mapping) if key}
        line = Line(line=number, label=cells.get("indicator") or cells.get("code", ""))
        indicator = by_code.get(normalise(cells.get("code", ""))) if cells.get("code") else None
        named = by_label.get(normalise(cells["indicator"]), []) if indicator is None and cells.get("indicator") else []
        if len(named) == 1:
            indicator = named[0]
        if indicator is None:
            if len(named) > 1:  # two sections may name an indicator alike: never guess which
                line.problems.append(_("« %(value)s » désigne plusieurs indicateurs (%(codes)s) : indiquez le code.",
                                       value=line.label[:80], codes=", ".join(sorted(i.code for i in named))))
            elif not line.label:
                line.problems.append(_("Indicateur manquant."))
            else:
                line.problems.append(_("Indicateur inconnu : « %(value)s ».", value=line.label[:80]))
        else:
            line.indicator = indicator
            line.label = indicator.label
            if indicator.id in seen:
                line.problems.append(_("Doublon : cet indicateur figure déjà ligne %(line)d.", line=seen[indicator.id]))
            seen.setdefault(indicator.id, number)
            old = current.get(indicator.id)
            line.old = checks.display(old)  # beside a refused value too: what stays
            try:
                value = checks.parse_value(indicator, cells.get("value", ""))
            except checks.ValueProblem as problem:
                line.problems.append(_("Valeur « %(value)s » refusée : %(reason)s",
                                       value=cells.get("value", "")[:40], reason=problem))
            else:
                line.new = checks.display(value)
                line.data["value"] = value
                line.action = EMPTY if value is None else (SAME if value == old else SET)
        if line.problems:
            line.action = ERROR
        lines.append(line)
    return DryRun(lines)


def run(contribution: Contribution, dry_run: DryRun, actor) -> list[dict]:
    """Write the values of a dry run without errors into the contribution (caller's
    transaction: all or nothing), recorded in its history as an import."""
    if dry_run.errors:
        raise contributions.ReportError(_("Le fichier contient des erreurs : corrigez-les avant d'importer."))
    return contributions.save(contribution, actor, dry_run.values(), contribution.confirmations or {},
                              revision=contribution.revision, action="imported")
