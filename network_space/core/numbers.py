"""Numbers as French readers write them — "1 234 567" (narrow no-break spaces), "12,5", "34,6 %" —
in documents and charts, and in pages as their reader writes them (the `number` and `percent`
filters: "1,234,567", "12.5", "34.6%" in English, where "12,5" would read as a hundred and
twenty-five). Plain formatting, not Babel's: it works anywhere, in a request or not (the worker,
matplotlib's axis labels)."""
from __future__ import annotations

from network_space.core.i18n import locale_name

_ENGLISH = str.maketrans({"\u202f": ",", ",": ".", "\u00a0": None})


def french_number(value, decimals: int = 0, *, trim: bool = False) -> str:
    """1234567 → "1 234 567", 12.5 → "12,5"; None → "—". ``trim`` drops trailing zeros after the
    comma ("0,5" rather than "0,50", "1" rather than "1,00")."""
    if value is None:
        return "—"
    text = f"{value:,.{decimals}f}"
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(",", "\u202f").replace(".", ",")


def french_percent(ratio, decimals: int = 1) -> str:
    """A ratio as a percentage: 0.346 → "34,6 %", 0.75 → "75 %"; None → "—"."""
    if ratio is None:
        return "—"
    return french_number(ratio * 100, decimals, trim=True) + "\u00a0%"


def local_number(value, decimals: int = 0, *, trim: bool = False) -> str:
    """french_number(), or in English "1,234.5": for a page, in its reader's language."""
    text = french_number(value, decimals, trim=trim)
    return text.translate(_ENGLISH) if locale_name() == "en" else text


def local_percent(ratio, decimals: int = 1) -> str:
    """french_percent(), or in English "34.6%"."""
    text = french_percent(ratio, decimals)
    return text.translate(_ENGLISH) if locale_name() == "en" else text


def init_app(app) -> None:
    app.jinja_env.filters["number"] = local_number
    app.jinja_env.filters["percent"] = local_percent
