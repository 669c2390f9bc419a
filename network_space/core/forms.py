"""Form helpers shared by every domain: stripped text with a French length message."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms.validators import Length, ValidationError


def strip(value):
    return value.strip() if isinstance(value, str) else value


def max_length(n: int) -> Length:
    return Length(max=n, message=_l("%(max)d caractères au maximum.", max=n))


def one_line(form, field) -> None:
    """WTForms validator: a one-line field (title, name…) refuses control characters and line
    breaks, which would break the page, an email header or a file name made from it."""
    if isinstance(field.data, str) and any(ord(c) < 32 or 127 <= ord(c) < 160 for c in field.data):
        raise ValidationError(_l("Ce champ tient sur une ligne : retirez les retours à la ligne et caractères de "
                                 "contrôle."))
