"""Charts drawn on the server, once, as SVG for the pages and PNG for the documents.

A domain describes a :class:`Chart` — its title, a description that says what the picture
shows (its text alternative), the categories and the series — and asks for ``svg(chart)`` or
``png(chart)``. Both come from the same matplotlib figure, so the page and the DOCX/ODT/PDF
show the same drawing; the data table beside each chart comes from the same object (``table``).

Only this module imports matplotlib (imported on first use: it takes seconds to load, and most
requests draw nothing). The figure is built with the object-oriented API (``Figure``, never
pyplot's global state); rendering holds a lock because matplotlib's settings are process-wide.
The SVG is made accessible here: ``role="img"``, ``<title>`` and ``<desc>`` referenced by
``aria-labelledby``, no fixed size (it scales to its container), ids unique to the chart. Its
styles become presentation attributes: the site's Content-Security-Policy (style-src 'self')
refuses inline ``style`` attributes and ``<style>`` elements, and the chart would draw black.
"""
from __future__ import annotations

import io
import re
import threading
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

from network_space.core.i18n import locale_name
from network_space.core.numbers import fmt_number

SVG_NS = "http://www.w3.org/2000/svg"
BAR = "bar"  # horizontal bars, one per category; several series side by side
STACKED = "stacked"  # horizontal bars, series stacked
COLUMNS = "columns"  # vertical bars (years), several series side by side

# Okabe–Ito: told apart with the usual colour-vision deficiencies; hatches as a second signal.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
HATCHES = ("", "//", "\\\\", "xx", "--", "++", "||", "//")

_lock = threading.Lock()


@dataclass(frozen=True)
class Series:
    label: str
    values: tuple[int | float | None, ...]


@dataclass(frozen=True)
class Chart:
    key: str  # unique on a page: prefixes the SVG's ids
    title: str
    description: str  # what the picture shows, in words (its text alternative)
    kind: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str = ""  # for the value axis, e.g. "heures"
    category_label: str = ""  # header of the table's first column
    totals: bool = False  # a total column in the table (stacked series)
    # The categories' full names for the table, when the axis shows short labels ("EBER" on the
    # axis, the whole name of the intercommunality in the table that explains it).
    category_names: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.categories or not any(v for s in self.series for v in s.values if v)

    def table(self) -> tuple[list[str], list[list]]:
        """The same numbers as a table: one row per category, one column per series."""
        header = [self.category_label] + [s.label for s in self.series] + (["Total"] if self.totals else [])
        rows = []
        for i, category in enumerate(self.category_names or self.categories):
            values = [s.values[i] for s in self.series]
            rows.append([category] + values + ([sum(v or 0 for v in values)] if self.totals else []))
        return header, rows


def svg(chart: Chart) -> str:
    """The chart as an inline SVG element (no XML declaration), accessible and scalable."""
    return _svg(chart, locale_name())


def png(chart: Chart, dpi: int = 150) -> bytes:
    return _png(chart, dpi, locale_name())


# The language is part of the key: the axes and bar labels write numbers the reader's way.
@lru_cache(maxsize=64)
def _svg(chart: Chart, _language: str) -> str:
    raw = _render(chart, "svg")
    return _accessible(raw.decode("utf-8"), chart)


@lru_cache(maxsize=32)
def _png(chart: Chart, dpi: int, _language: str) -> bytes:
    return _render(chart, "png", dpi=dpi)


def _height(chart: Chart) -> float:
    if chart.kind == COLUMNS:
        return 4.2
    return min(2.0 + 0.38 * len(chart.categories), 9.0)


def _render(chart: Chart, fmt: str, dpi: int = 100) -> bytes:
    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    with _lock, matplotlib.rc_context({
        "svg.fonttype": "none",  # real <text>: selectable, read by screen readers, small
        "svg.hashsalt": chart.key,  # clip-path ids differ between the charts of one page
        "font.family": "DejaVu Sans",
        "font.size": 10,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "hatch.color": "#ffffff",
    }):
        figure = Figure(figsize=(8.0, _height(chart)), layout="constrained")
        axes = figure.add_subplot()
        formatter = FuncFormatter(lambda value, _pos: fmt_number(value))
        # Counts: ticks on whole numbers only (at 0.5 steps, "0 0 1 1 2" would be written).
        locator = MaxNLocator(integer=True)
        if chart.kind == COLUMNS:
            _columns(axes, chart)
            axes.yaxis.set_major_locator(locator)
            axes.yaxis.set_major_formatter(formatter)
            axes.set_ylabel(chart.unit)
        else:
            _bars(axes, chart)
            axes.xaxis.set_major_locator(locator)
            axes.xaxis.set_major_formatter(formatter)
            axes.set_xlabel(chart.unit)
        if len(chart.series) > 1:
            figure.legend(loc="outside lower center", ncols=min(len(chart.series), 2), frameon=False, fontsize=9)
        buffer = io.BytesIO()
        metadata = {"Date": None, "Creator": None} if fmt == "svg" else {"Software": None}
        figure.savefig(buffer, format=fmt, dpi=dpi, metadata=metadata)
        return buffer.getvalue()


def _bars(axes, chart: Chart) -> None:
    positions = range(len(chart.categories))
    count = len(chart.series)
    left = [0.0] * len(chart.categories)
    height = 0.7 if chart.kind == STACKED or count == 1 else 0.8 / count
    for index, series in enumerate(chart.series):
        values = [v or 0 for v in series.values]
        if chart.kind == STACKED:
            bars = axes.barh(list(positions), values, left=left, height=height, label=series.label,
                             color=PALETTE[index % len(PALETTE)], hatch=HATCHES[index % len(HATCHES)],
                             edgecolor="white", linewidth=0.5)
            left = [a + b for a, b in zip(left, values)]
        else:
            offset = (index - (count - 1) / 2) * height
            bars = axes.barh([p + offset for p in positions], values, height=height, label=series.label,
                             color=PALETTE[index % len(PALETTE)], hatch=HATCHES[index % len(HATCHES)],
                             edgecolor="white", linewidth=0.5)
            axes.bar_label(bars, labels=[fmt_number(v) if v else "" for v in series.values], padding=3, fontsize=8)
    if chart.kind == STACKED:
        axes.bar_label(bars, labels=[fmt_number(v) if v else "" for v in left], padding=3, fontsize=8)
    axes.set_yticks(list(positions), labels=list(chart.categories))
    axes.invert_yaxis()  # first category on top, as in the table
    axes.margins(x=0.12)


def _columns(axes, chart: Chart) -> None:
    positions = range(len(chart.categories))
    count = len(chart.series)
    width = 0.8 / count
    for index, series in enumerate(chart.series):
        offset = (index - (count - 1) / 2) * width
        values = [v or 0 for v in series.values]
        bars = axes.bar([p + offset for p in positions], values, width=width, label=series.label,
                        color=PALETTE[index % len(PALETTE)], hatch=HATCHES[index % len(HATCHES)],
                        edgecolor="white", linewidth=0.5)
        axes.bar_label(bars, labels=[fmt_number(v) if v is not None else "" for v in series.values],
                       padding=3, fontsize=8)
    axes.set_xticks(list(positions), labels=list(chart.categories))
    axes.margins(y=0.12)


ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")


# The CSS properties matplotlib writes, each also an SVG presentation attribute.
PRESENTATION = {"fill", "fill-opacity", "stroke", "stroke-width", "stroke-linejoin", "stroke-linecap",
                "stroke-opacity", "stroke-dasharray", "stroke-dashoffset", "stroke-miterlimit", "opacity",
                "font-size", "font-family", "font-weight", "font-style", "text-anchor", "clip-path"}


def _styles_to_attributes(root: ET.Element) -> None:
    for element in root.iter():
        style = element.attrib.pop("style", None)
        for declaration in (style or "").split(";"):
            name, _sep, value = declaration.partition(":")
            if name.strip() in PRESENTATION and value.strip():
                element.set(name.strip(), value.strip())
    # The stylesheet's one rule (*{stroke-linejoin: round; stroke-linecap: butt}), inherited.
    root.set("stroke-linejoin", "round")
    root.set("stroke-linecap", "butt")
    for parent in root.iter():
        for child in list(parent):
            if child.tag == f"{{{SVG_NS}}}style":
                parent.remove(child)


def _prefix_ids(root, prefix: str) -> None:
    """matplotlib names its groups "figure_1", "patch_1"… in every SVG: several charts inline on one
    page would repeat those ids (invalid HTML). Each id gets the chart's prefix, and so do the
    references to it (url(#…) in attributes, href="#…")."""
    ids = {element.get("id") for element in root.iter() if element.get("id")}
    if not ids:
        return
    reference = re.compile(r"(url\(#|^#)(" + "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True)) + r")\b")
    for element in root.iter():
        for name, value in list(element.attrib.items()):
            if name == "id":
                element.set(name, f"{prefix}-{value}")
            elif "#" in value:
                element.set(name, reference.sub(lambda m: f"{m.group(1)}{prefix}-{m.group(2)}", value))


def _accessible(text: str, chart: Chart) -> str:
    """matplotlib's SVG, with a title and a description screen readers announce, sized by CSS."""
    root = ET.fromstring(text)  # our own output, not user input
    for child in list(root):
        if child.tag == f"{{{SVG_NS}}}metadata":
            root.remove(child)
    _styles_to_attributes(root)
    prefix = re.sub(r"[^A-Za-z0-9_-]", "-", chart.key)
    _prefix_ids(root, prefix)
    title = ET.Element(f"{{{SVG_NS}}}title", id=f"{prefix}-title")
    title.text = chart.title
    desc = ET.Element(f"{{{SVG_NS}}}desc", id=f"{prefix}-desc")
    desc.text = chart.description
    root.insert(0, desc)
    root.insert(0, title)
    for attribute in ("width", "height"):
        root.attrib.pop(attribute, None)
    root.set("role", "img")
    root.set("aria-labelledby", f"{prefix}-title {prefix}-desc")
    root.set("class", "chart-svg")
    root.set("focusable", "false")
    return ET.tostring(root, encoding="unicode")


def chart_table_rows(chart: Chart) -> Sequence[Sequence[str]]:
    """The table's cells as text (numbers in the reader's language, core/numbers.py), for documents
    and CSV-like displays."""
    header, rows = chart.table()
    return [header] + [[row[0]] + [fmt_number(v) for v in row[1:]] for row in rows]
