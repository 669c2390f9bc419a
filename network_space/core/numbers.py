"""Numbers as French readers write them — "1 234 567" (narrow no-break spaces), "12,5", "34,6 %" —
in pages, documents and charts. Plain formatting, not Babel's: it works anywhere, in a request or
not (the worker, matplotlib's axis labels), and the site is in French."""
from __future__ import annotations


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


def init_app(app) -> None:
    app.jinja_env.filters["number"] = french_number
    app.jinja_env.filters["percent"] = french_percent
