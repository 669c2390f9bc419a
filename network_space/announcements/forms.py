from __future__ import annotations

from wtforms import RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, ValidationError

from network_space.core.forms import CheckboxesField, Form, SubmittedOnce, max_length, strip
from network_space.announcements.models import AUDIENCE_ALL, AUDIENCE_NORD, AUDIENCE_SUD, AUDIENCE_TERRITORIES
from network_space.core.i18n import lazy_gettext as _l

AUDIENCE_LABELS = {
    AUDIENCE_ALL: _l("Tous les membres"),
    AUDIENCE_NORD: _l("Secteur Nord-Isère"),
    AUDIENCE_SUD: _l("Secteur Sud-Isère"),
    AUDIENCE_TERRITORIES: _l("Territoires choisis"),
}


class AnnouncementForm(SubmittedOnce, Form):
    title = StringField(_l("Titre"), filters=[strip],
                        validators=[DataRequired(_l("Indiquez un titre.")), max_length(200)])
    body = TextAreaField(_l("Message"), filters=[strip],
                         validators=[DataRequired(_l("Écrivez le message.")), max_length(20000)])
    audience = RadioField(_l("Destinataires"), choices=[SelectChoice(k, v) for k, v in AUDIENCE_LABELS.items()], default=AUDIENCE_ALL,
                          validators=[DataRequired(_l("Choisissez les destinataires."))])
    territories = CheckboxesField(_l("Territoires"), coerce=int, choices=[])

    def validate_territories(self, field):
        if self.audience.data == AUDIENCE_TERRITORIES and not field.data:
            raise ValidationError(_l("Choisissez au moins un territoire."))
