"""Form helpers shared by every domain: stripped text with a French length message, select choices,
decimal numbers typed with a comma."""
from __future__ import annotations

import re

from flask_babel import format_decimal, lazy_gettext as _l
from wtforms import StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, StopValidation


def strip(value):
    return value.strip() if isinstance(value, str) else value


def max_length(n: int) -> Length:
    return Length(max=n, message=_l("%(max)d caractères au maximum.", max=n))


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as a select's choices."""
    return [SelectChoice(value, label) for value, label in pairs]


class DecimalCommaField(StringField):
    """A decimal number typed the French way ("0,8") or with a point ("0.8"). ``data`` is a float,
    or None when left empty; a refused value comes back as typed, with a French message."""

    _NUMBER = re.compile(r"^\d{1,9}(?:[.,]\d{1,6})?$")

    def __init__(self, label=None, validators=None, *, minimum: float | None = None,
                 maximum: float | None = None, **kwargs):
        kwargs.setdefault("render_kw", {}).setdefault("inputmode", "decimal")
        super().__init__(label, validators, filters=[strip], **kwargs)
        self.minimum, self.maximum = minimum, maximum

    def process_formdata(self, valuelist):
        self.typed = valuelist[0].strip() if valuelist else ""
        self.data = None
        if self.typed:
            compact = self.typed.replace("\u202f", "").replace("\u00a0", "").replace(" ", "")
            if not self._NUMBER.match(compact):
                raise ValueError(_l("Indiquez un nombre, par exemple 0,8."))
            self.data = float(compact.replace(",", "."))

    def pre_validate(self, form):
        if self.data is None or self.process_errors:
            return
        if (self.minimum is not None and self.data < self.minimum) or (self.maximum is not None and self.data > self.maximum):
            raise StopValidation(_l("Indiquez un nombre entre %(min)s et %(max)s.",
                                    min=format_decimal(self.minimum), max=format_decimal(self.maximum)))

    def _value(self) -> str:
        if getattr(self, "typed", None) is not None:
            return self.typed
        return format_decimal(self.data) if self.data is not None else ""
