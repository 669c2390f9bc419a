"""The rules of a contribution's values: what a valid value is (a whole number ≥ 0, a text of a
bounded length), and the consistency warnings a facilitator confirms with a note before sending.

Typed values arrive as text from the form and from imported files, and are read by the same
function, so a value refused on the form is refused in a file with the same French message."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Mapping

from flask_babel import gettext as _

from network_space.core.i18n import lazy_gettext as _l
from network_space.core.numbers import fmt_number
from network_space.reports.models import KIND_NUMBER, Indicator

MAX_NUMBER = 1_000_000_000
MAX_TEXT = 10_000
MAX_NOTE = 2_000
# Thousands separators a French spreadsheet or keyboard writes: space, no-break and narrow no-break.
_SEPARATORS = re.compile(r"[ \u00a0\u202f]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ValueProblem(ValueError):
    """A value refused; the message is French, for the user."""


def parse_number(raw: str | None) -> int | None:
    """A typed whole number ≥ 0 ("1 234" accepted), None for an empty field."""
    text = _SEPARATORS.sub("", (raw or "").strip())
    if not text:
        return None
    # ASCII digits only: "\d" takes any script's (Arabic-Indic "١٢"), which no French file holds.
    if re.fullmatch(r"[0-9]+", text):
        value = int(text)
        if value > MAX_NUMBER:
            raise ValueProblem(_("Ce nombre est trop grand (%(max)s au plus).", max="1 000 000 000"))
        return value
    if re.fullmatch(r"[-−][0-9]+([.,][0-9]+)?", text):
        raise ValueProblem(_("Le nombre doit être positif ou nul."))
    if re.fullmatch(r"[0-9]+[.,][0-9]+", text):
        raise ValueProblem(_("Indiquez un nombre entier, sans décimale."))
    raise ValueProblem(_("Indiquez un nombre entier (des chiffres seulement)."))


def parse_text(raw: str | None, limit: int = MAX_TEXT) -> str | None:
    text = _CONTROL.sub("", (raw or "").replace("\r\n", "\n")).strip()
    if len(text) > limit:
        raise ValueProblem(_("%(max)s caractères au maximum.", max=fmt_number(limit)))
    return text or None


def parse_value(indicator: Indicator, raw: str | None) -> int | str | None:
    return parse_number(raw) if indicator.kind == KIND_NUMBER else parse_text(raw)


def display(value) -> str:
    """A value as the history and the form show it ("" for none)."""
    if value is None:
        return ""
    if isinstance(value, int):
        return f"{value:,}".replace(",", "\u202f")
    return str(value)


# --- consistency warnings --------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """A warning: ``applies(values by code)`` is True when the figures look inconsistent."""

    code: str
    label: object  # lazy-translated: what it is about, in the contribution's history
    message: object  # lazy-translated: what looks wrong, for the facilitator
    codes: tuple[str, ...]  # the indicators it reads (it is skipped when none has a value)
    applies: Callable[[Mapping[str, int | None]], bool]


def _sum(values: Mapping[str, int | None], prefix: str) -> int:
    return sum(v or 0 for code, v in values.items() if code.startswith(prefix) and isinstance(v, int))


def _hours(values) -> bool:
    planned, achieved = values.get("hours_planned"), values.get("hours_achieved")
    return planned is not None and achieved is not None and achieved > planned * 1.5


def _publics(values) -> bool:
    participants = values.get("participants")
    return participants is not None and _sum(values, "public_") > participants


def _women(values) -> bool:
    participants, women = values.get("participants"), values.get("women")
    return participants is not None and women is not None and women > participants


def _clauses(values) -> bool:
    with_clause, notified = values.get("contracts_with_clause"), values.get("contracts_notified")
    return with_clause is not None and notified is not None and with_clause > notified


def _mechanisms(values) -> bool:
    # A market may combine mechanisms (a condition and a criterion): their sum may pass the total,
    # one alone may not.
    with_clause = values.get("contracts_with_clause")
    return with_clause is not None and any(
        isinstance(v, int) and v > with_clause for code, v in values.items() if code.startswith("clause_"))


CHECKS = (
    Check("hours", _l("heures réalisées"), _l("Les heures réalisées dépassent de plus de moitié les heures prévues."),
          ("hours_planned", "hours_achieved"), _hours),
    Check("publics", _l("participants par public"), _l("Les participants par public dépassent le nombre de participants (une personne peut "
                        "relever de plusieurs publics : confirmez si c'est le cas)."), ("participants",), _publics),
    Check("women", _l("femmes"), _l("Il y a plus de femmes que de participants."), ("participants", "women"), _women),
    Check("clauses", _l("marchés avec clause"), _l("Il y a plus de marchés avec clause que de marchés notifiés par les acheteurs suivis."),
          ("contracts_with_clause", "contracts_notified"), _clauses),
    Check("mechanisms", _l("mécanismes de clause"), _l("Un mécanisme de clause compte plus de marchés que les marchés "
                           "comportant une clause sociale (un marché qui combine plusieurs mécanismes compte une fois "
                           "dans chacun, jamais plus que le total)."), ("contracts_with_clause",), _mechanisms),
)

BY_CODE = {check.code: check for check in CHECKS}


def warnings_for(values_by_code: Mapping[str, int | str | None]) -> list[Check]:
    """The consistency warnings raised by these values (indicators retired or absent are skipped)."""
    numbers = {code: v for code, v in values_by_code.items() if isinstance(v, int)}
    return [check for check in CHECKS if all(code in values_by_code for code in check.codes) and check.applies(numbers)]
