"""Numbers as French readers write them ("449 509", "0,8", "34,6 %"), in pages and documents:
Babel's formats for the request's locale."""
from __future__ import annotations

from flask_babel import format_decimal, format_percent


def fmt_number(value, places: int = 2) -> str:
    """A whole or decimal number, at most ``places`` decimals, without trailing zeros."""
    if value is None:
        return ""
    return format_decimal(round(value, places), format="#,##0." + "#" * places if places else "#,##0")


def fmt_percent(ratio, places: int = 1) -> str:
    """A ratio (0.346) as a percentage ("34,6 %")."""
    if ratio is None:
        return ""
    return format_percent(ratio, format=("#,##0." + "#" * places if places else "#,##0") + "\u00a0%")


def init_app(app) -> None:
    app.jinja_env.filters["number"] = fmt_number
    app.jinja_env.filters["percent"] = fmt_percent
