"""Numbers as their reader writes them, in pages, documents and charts: in French "1 234 567"
(narrow no-break spaces), "12,5", "34,6 %"; in English "1,234,567", "12.5", "34.6%" (where
"12,5" would read as a hundred and twenty-five). Plain formatting, not Babel's: it works anywhere,
in a request or not (the worker, matplotlib's axis labels), in the language of the context
(`core.i18n.locale_name`, French outside a request)."""
from __future__ import annotations

from network_space.core.i18n import locale_name, reader_filter

_ENGLISH = str.maketrans({"\u202f": ",", ",": ".", "\u00a0": None})


def fmt_number(value, decimals: int = 0, *, trim: bool = False) -> str:
    """1234567 → "1 234 567", 12.5 → "12,5" (English: "1,234,567", "12.5"); None → "—". ``trim``
    drops trailing zeros after the decimal mark ("0,5" rather than "0,50", "1" rather than "1,00")."""
    if value is None:
        return "—"
    text = f"{value:,.{decimals}f}"
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    return _in_reader_language(text.replace(",", "\u202f").replace(".", ","))


def fmt_percent(ratio, decimals: int = 1, *, trim: bool = True) -> str:
    """A ratio as a percentage: 0.346 → "34,6 %" (English: "34.6%"), 0.75 → "75 %"; None → "—"."""
    if ratio is None:
        return "—"
    return fmt_number(ratio * 100, decimals, trim=trim) + _in_reader_language("\u00a0%")


# Units of a file's size: French writes octets (Ko, Mo), English bytes (KB, MB).
_SIZE_UNITS = {"fr": ("Ko", "Mo"), "en": ("KB", "MB")}


def fmt_size(size: int | None) -> str:
    """A file's size: "36 Ko", "2,4 Mo" (English: "36 KB", "2.4 MB"); a started kilobyte counts."""
    if size is None:
        return "—"
    kilo, mega = _SIZE_UNITS.get(locale_name(), _SIZE_UNITS["fr"])
    if size < 1024 * 1024:
        return f"{fmt_number(max(1, -(-size // 1024)))}\u00a0{kilo}"
    return f"{fmt_number(size / (1024 * 1024), 1, trim=True)}\u00a0{mega}"


def _in_reader_language(french: str) -> str:
    return french.translate(_ENGLISH) if locale_name() == "en" else french


def init_app(app) -> None:
    app.jinja_env.filters["number"] = reader_filter(fmt_number)
    app.jinja_env.filters["percent"] = reader_filter(fmt_percent)
    app.jinja_env.filters["filesize"] = reader_filter(fmt_size)
