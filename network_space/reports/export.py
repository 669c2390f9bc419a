"""What leaves the site: the consolidated tables (XLSX, CSV through core/spreadsheet.py) and the
report itself as one outline that core/documents/ writes as DOCX, ODT or PDF — title page,
summary, charts as images with their tables, the tables by sector and territory, each
territory's highlights. Only validated contributions are in it."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext

from network_space.accounts.models import SECTOR_LABELS, SECTORS
from network_space.core import documents as doc
from network_space.core.dates import fmt_date
from network_space.core.charts import Chart, chart_table_rows, png
from network_space.core.numbers import fmt_number, fmt_percent
from network_space.core.models import utcnow
from network_space.reports.charts import report_charts
from network_space.reports.queries import FTE_HOURS, PNAD_TARGET, Consolidation

TABLES = ("department", "territories", "years")
# The territory table of the document: the figures that fit an A4 page.
KEY_CODES = ("contracts_with_clause", "hours_planned", "hours_achieved", "participants", "employment_contracts")


def change_text(value: float | None) -> str:
    if value is None:
        return "—"
    return ("+" if value > 0 else "") + fmt_percent(value / 100, 1, trim=False)


def department_rows(c: Consolidation) -> list[list]:
    """Each indicator: the year, the year before, the change, and each sector."""
    previous = c.previous_year
    header = [_("Rubrique"), _("Indicateur"), str(c.year)]
    if previous:
        header += [str(previous), _("Évolution à périmètre constant (%)")]
    header += [str(SECTOR_LABELS[s]) for s in SECTORS]
    rows = [header]
    for indicator in c.indicators:
        row = [indicator.group_label, indicator.label, c.total(c.year, indicator.id)]
        if previous:
            change = c.change(indicator.id)
            row += [c.total(previous, indicator.id), None if change is None else round(change, 1)]
        row += [c.total(c.year, indicator.id, s) for s in SECTORS]
        rows.append(row)
    return rows


def territory_rows(c: Consolidation, indicators=None) -> list[list]:
    """Each territory with a validated contribution: its sector and every indicator's value."""
    indicators = c.indicators if indicators is None else indicators
    rows = [[_("Territoire"), _("Secteur")] + [i.label for i in indicators]]
    for territory in c.territories_with_data():
        rows.append([territory.name, str(SECTOR_LABELS.get(territory.sector, territory.sector))]
                    + [c.value(c.year, territory.id, i.id) for i in indicators])
    return rows


def year_rows(c: Consolidation) -> list[list]:
    rows = [[_("Rubrique"), _("Indicateur")] + [str(y) for y in c.years]]
    for indicator in c.indicators:
        rows.append([indicator.group_label, indicator.label] + [c.total(y, indicator.id) for y in c.years])
    return rows


def table_rows(c: Consolidation, table: str) -> list[list]:
    return {"department": department_rows, "territories": territory_rows, "years": year_rows}[table](c)


def table_title(table: str, year: int) -> str:
    return {"department": _("Bilan %(year)d — département", year=year),
            "territories": _("Bilan %(year)d — par territoire", year=year),
            "years": _("Bilan %(year)d — année par année", year=year)}[table]


# --- the report document ---------------------------------------------------------------------


def _text(value) -> str:
    if isinstance(value, float):  # the change in %, the only float of the tables
        return change_text(value)
    return "—" if value is None else (fmt_number(value) if isinstance(value, int) else str(value))


def _table(rows: list[list], *, text_columns: int = 1, caption: str = "") -> doc.Table:
    """A table of the document: the first columns are text (left), the others figures (right)."""
    return doc.Table([str(h) for h in rows[0]], [[_text(v) for v in row] for row in rows[1:]], caption=caption,
                     align="l" * text_columns + "r" * (len(rows[0]) - text_columns))


def summary_lines(c: Consolidation) -> list[str]:
    """The summary, as sentences: the page shows them too."""
    lines = []
    hours = c.total_of("hours_achieved")
    if hours is not None:
        line = ngettext("%(hours)s heure d'insertion réalisée, soit %(fte)s ETP (équivalents temps plein : "
                        "heures / %(base)s).",
                        "%(hours)s heures d'insertion réalisées, soit %(fte)s ETP (équivalents temps plein : "
                        "heures / %(base)s).",
                        hours, hours=fmt_number(hours), fte=fmt_number(hours / FTE_HOURS, 1), base=fmt_number(FTE_HOURS))
        indicator = c.indicator("hours_achieved")
        if c.change(indicator.id) is not None:
            line += " " + _("Évolution par rapport à %(year)d, sur les territoires validés les deux années : "
                            "%(change)s.", year=c.previous_year, change=change_text(c.change(indicator.id)))
        lines.append(line)
    participants = c.total_of("participants")
    if participants is not None:
        lines.append(ngettext("%(n)s participant a travaillé au titre d'une clause.",
                              "%(n)s participants ont travaillé au titre d'une clause.", participants,
                              n=fmt_number(participants)))
    clauses = c.total_of("contracts_with_clause")
    if clauses is not None:
        lines.append(ngettext("%(n)s marché comportant une clause sociale.", "%(n)s marchés comportant une clause sociale.",
                              clauses, n=fmt_number(clauses)))
    pnad = c.pnad()
    if pnad is not None:
        share, count = pnad
        lines.append(ngettext("Part des marchés notifiés comportant une clause : %(share)s %% (objectif du PNAD : "
                              "%(target)d %%), calculée sur le seul territoire qui a déclaré ses marchés notifiés.",
                              "Part des marchés notifiés comportant une clause : %(share)s %% (objectif du PNAD : "
                              "%(target)d %%), calculée sur les %(n)d territoires qui ont déclaré leurs marchés notifiés.",
                              count, share=fmt_number(share, 1), target=PNAD_TARGET, n=count))
    return lines


def completeness_line(c: Consolidation) -> str:
    expected = c.expected_territories.get(c.year, [])
    validated = len(c.validated_territories.get(c.year, set()))
    line = ngettext("Contributions validées : %(done)d sur %(expected)d territoire attendu.",
                    "Contributions validées : %(done)d sur %(expected)d territoires attendus.", len(expected),
                    done=validated, expected=len(expected))
    missing = c.missing_territories()
    if missing:
        line += " " + _("Sans contribution validée : %(names)s.", names=", ".join(t.name for t in missing))
    return line


def partial_line(c: Consolidation) -> str | None:
    """What publishing the report now would leave out, or None when every territory expected has
    its contribution validated."""
    expected = len(c.expected_territories.get(c.year, []))
    done = len(c.validated_territories.get(c.year, set()))
    if done >= expected:
        return None
    if not done:
        return ngettext("Le bilan ne compte encore aucun territoire validé (%(num)d attendu).",
                        "Le bilan ne compte encore aucun territoire validé (%(num)d attendus).", expected)
    return ngettext("Le bilan ne compte que %(num)d territoire validé sur %(expected)d attendus.",
                    "Le bilan ne compte que %(num)d territoires validés sur %(expected)d attendus.", done,
                    expected=expected)


def chart_blocks(chart: Chart, with_picture: bool = True) -> list[doc.Block]:
    picture = [doc.Image(png(chart), alt=chart.description, caption=chart.title)] if with_picture else []
    return [doc.Heading(chart.title, 2), *picture, _table(chart_table_rows(chart), caption=_("Données du graphique"))]


def report_outline(c: Consolidation, *, with_charts: bool = True) -> doc.Outline:
    """The report; ``with_charts=False`` leaves the pictures out (their tables stay): the
    benchmark's reference."""
    campaign = c.campaigns[c.year]
    title = _("Bilan départemental des clauses sociales %(year)d", year=c.year)
    outline = doc.Outline(title=title, subject=campaign.title, author=_("Réseau des facilitateurs clauses sociales de l'Isère"))
    blocks = outline.blocks
    blocks.append(doc.Title(title, _("Réseau des facilitateurs clauses sociales de l'Isère — document produit le %(date)s",
                                     date=fmt_date(utcnow(), year=True))))
    blocks.append(doc.Paragraph(completeness_line(c)))
    blocks.append(doc.Paragraph(_("Seules les contributions validées par la co-animation sont comptées.")))
    blocks.append(doc.PageBreak())
    blocks.append(doc.Heading(_("Synthèse")))
    blocks.append(doc.ItemList([doc.ListItem(line) for line in summary_lines(c)] or
                               [doc.ListItem(_("Aucune contribution validée pour cette année."))]))
    blocks.append(doc.Heading(_("Chiffres du département")))
    blocks.append(_table(department_rows(c), text_columns=2))
    blocks.append(doc.Heading(_("Graphiques")))
    for chart in report_charts(c):
        if not chart.empty:
            blocks.extend(chart_blocks(chart, with_charts))
    blocks.append(doc.Heading(_("Chiffres clés par territoire")))
    keys = [i for code in KEY_CODES if (i := c.indicator(code)) is not None]
    blocks.append(_table(territory_rows(c, keys), text_columns=2))
    blocks.append(doc.Heading(_("Faits marquants des territoires")))
    if not c.highlights:
        blocks.append(doc.Paragraph(_("Aucun texte dans les contributions validées.")))
    current = None
    for territory, structure, indicator, text in c.highlights:
        if current != (territory.id, structure.id):
            current = (territory.id, structure.id)
            blocks.append(doc.Heading(f"{territory.name} — {structure.name}", 2))
        blocks.append(doc.Heading(indicator.label, 3))
        blocks.extend(doc.markdown_blocks(text, heading_offset=3))
    return outline
