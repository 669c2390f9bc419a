"""The report's charts, described from a consolidation: hours achieved by territory, publics by
territory (stacked), routes, outcomes six months later, evolution over the years. Drawing them
is core/charts.py's job; each chart's description says in words what the picture shows."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext

from network_space.core.charts import BAR, COLUMNS, STACKED, Chart, Series
from network_space.core.i18n import semicolon_join
from network_space.core.numbers import fmt_number
from network_space.reports.queries import Consolidation


def _hours(c: Consolidation) -> Chart | None:
    hours = c.indicator("hours_achieved")
    if hours is None:
        return None
    rows = sorted(((t, c.value(c.year, t.id, hours.id)) for t in c.territories_with_data()),
                  key=lambda r: -(r[1] or 0))
    rows = [r for r in rows if r[1] is not None]
    total = sum(v for _territory, v in rows)
    description = ngettext("%(total)s heures réalisées en %(year)d sur %(n)d territoire ayant une contribution validée.",
                           "%(total)s heures réalisées en %(year)d sur %(n)d territoires ayant une contribution "
                           "validée.", len(rows), total=fmt_number(total), year=c.year, n=len(rows))
    if rows:
        description += " " + _("Le plus d'heures : %(name)s (%(value)s) ; le moins : %(last)s (%(last_value)s).",
                               name=rows[0][0].name, value=fmt_number(rows[0][1]), last=rows[-1][0].name,
                               last_value=fmt_number(rows[-1][1]))
    return Chart("chart-hours", _("Heures d'insertion réalisées par territoire, %(year)d", year=c.year), description,
                 BAR, tuple(r[0].label for r in rows), (Series(hours.label, tuple(r[1] for r in rows)),),
                 unit=_("heures"), category_label=_("Territoire"), category_names=tuple(r[0].name for r in rows))


def _publics(c: Consolidation) -> Chart | None:
    publics = c.group("publics")
    if not publics:
        return None
    def size(territory) -> int:
        return sum(c.value(c.year, territory.id, i.id) or 0 for i in publics)

    territories = sorted((t for t in c.territories_with_data() if size(t)), key=lambda t: -size(t))
    series = tuple(Series(i.label, tuple(c.value(c.year, t.id, i.id) for t in territories)) for i in publics)
    totals = sorted(((i.label, c.total(c.year, i.id) or 0) for i in publics), key=lambda r: -r[1])
    description = _("Participants de %(year)d par public, territoire par territoire.", year=c.year)
    if totals and totals[0][1]:
        description += " " + _("Public le plus représenté dans le département : %(name)s (%(value)s).",
                               name=totals[0][0], value=fmt_number(totals[0][1]))
    return Chart("chart-publics", _("Participants par public et par territoire, %(year)d", year=c.year), description,
                 STACKED, tuple(t.label for t in territories), series, unit=_("participants"),
                 category_label=_("Territoire"), totals=True, category_names=tuple(t.name for t in territories))


def _department(c: Consolidation, group: str, key: str, title: str, unit: str) -> Chart | None:
    indicators = c.group(group)
    if not indicators:
        return None
    values = tuple(c.total(c.year, i.id) for i in indicators)
    known = [(i.label, v) for i, v in zip(indicators, values) if v is not None]
    total = sum(v for _label, v in known)
    parts = semicolon_join(_("%(name)s : %(value)s (%(share)s %%)", name=label, value=fmt_number(v),
                        share=fmt_number(v * 100 / total, 0)) for label, v in known) if total else ""
    description = (_("Total du département en %(year)d : %(parts)s.", year=c.year, parts=parts) if parts
                   else _("Aucune donnée validée pour %(year)d.", year=c.year))
    return Chart(key, title, description, BAR, tuple(i.label for i in indicators),
                 (Series(str(c.year), values),), unit=unit, category_label=_("Catégorie"))


def _evolution(c: Consolidation) -> Chart | None:
    """Hours achieved, year by year (participants, a hundred times fewer, would vanish on the
    same axis: their evolution is in the year-over-year table)."""
    hours = c.indicator("hours_achieved")
    if hours is None:
        return None
    points = [(y, c.total(y, hours.id)) for y in c.years if c.total(y, hours.id) is not None]
    description = semicolon_join(ngettext("%(year)d : %(value)s heures (%(n)d territoire)",
                                     "%(year)d : %(value)s heures (%(n)d territoires)",
                                     len(c.validated_territories.get(y, ())), year=y, value=fmt_number(v),
                                     n=len(c.validated_territories.get(y, ()))) for y, v in points) + "."
    return Chart("chart-evolution", _("Évolution des heures d'insertion réalisées, %(first)d–%(last)d",
                                      first=c.years[0], last=c.years[-1]),
                 description, COLUMNS, tuple(str(y) for y in c.years),
                 (Series(hours.label, tuple(c.total(y, hours.id) for y in c.years)),),
                 unit=_("heures"), category_label=_("Année"))


def report_charts(c: Consolidation) -> list[Chart]:
    """The charts of the report, in the order of the page and of the document."""
    charts = [
        _hours(c),
        _publics(c),
        _department(c, "routes", "chart-routes", _("Participants par parcours, %(year)d", year=c.year),
                    _("participants")),
        _department(c, "outcomes", "chart-outcomes", _("Situation des participants six mois après, %(year)d",
                                                       year=c.year), _("participants")),
        _evolution(c),
    ]
    return [chart for chart in charts if chart is not None]
