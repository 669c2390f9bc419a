"""Form helpers shared by every domain: stripped text with a French length message."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms.validators import Length


def strip(value):
    return value.strip() if isinstance(value, str) else value


def max_length(n: int) -> Length:
    return Length(max=n, message=_l("%(max)d caractères au maximum.", max=n))
