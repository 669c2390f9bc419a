"""The reports' forms."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField
from wtforms.validators import InputRequired, ValidationError

from network_space.reports.activity import MAX_DAYS, Period

BAD_DATE = _l("Indiquez une date valide, par exemple 31/12/2026.")


class _DateField(DateField):
    """A date typed as the browser sends it (2026-12-31) or as a person writes it (31/12/2026),
    refused with an example."""

    def __init__(self, label, **kwargs):
        super().__init__(label, [InputRequired(BAD_DATE)], format=["%Y-%m-%d", "%d/%m/%Y"], **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(str(BAD_DATE)) from error


class ActivityPeriodForm(FlaskForm):
    """The period of the activity report: a GET form (a link to a report can be shared)."""

    class Meta:
        csrf = False

    start = _DateField(_l("Du"))
    end = _DateField(_l("Au"))

    def validate_end(self, field) -> None:
        if self.start.data and field.data:
            if field.data < self.start.data:
                raise ValidationError(_l("La fin de la période doit suivre son début."))
            if (field.data - self.start.data).days > MAX_DAYS:
                raise ValidationError(_l("Une période de cinq ans au plus."))

    @property
    def period(self) -> Period:
        return Period(self.start.data, self.end.data)
