"""Form helpers shared by every domain: stripped text with a French length message, select choices."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length


def strip(value):
    return value.strip() if isinstance(value, str) else value


def max_length(n: int) -> Length:
    return Length(max=n, message=_l("%(max)d caractères au maximum.", max=n))


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as a select's choices."""
    return [SelectChoice(value, label) for value, label in pairs]
