"""Forms of the report. The contribution form is built from the indicators (data), so it is read
by ``read_contribution`` rather than declared field by field; it keeps every typed text, valid
or not, so a refused form shows exactly what was typed."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_wtf.file import FileField
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional, ValidationError

from network_space.core.forms import CheckboxesField, Form, max_length, strip
from network_space.core.i18n import lazy_gettext as _l
from network_space.reports import checks
from network_space.reports.activity import MAX_DAYS, Period
from network_space.reports.models import GROUPS, KINDS, Indicator

REQUIRED = _l("Ce champ est obligatoire.")


class CampaignForm(Form):
    year = IntegerField(_l("Année du bilan"), validators=[
        InputRequired(_l("Indiquez l'année (ex. : 2026).")),
        NumberRange(min=2000, max=2100, message=_l("Indiquez une année entre 2000 et 2100."))])
    title = StringField(_l("Titre"), validators=[Optional(), max_length(120)], filters=[strip],
                        description=_l("Par défaut : « Bilan » suivi de l'année."))
    deadline = DateField(_l("Échéance"), validators=[InputRequired(_l("Indiquez une date valide."))],
                         description=_l("Rappels aux facilitateurs qui n'ont pas envoyé leur contribution : "
                                        "14 jours avant, 3 jours avant et le jour même."))
    territories = CheckboxesField(_l("Territoires attendus"), coerce=int, validators=[Optional()])
    message = TextAreaField(_l("Message aux facilitateurs"), validators=[Optional(), max_length(5000)],
                            filters=[strip], description=_l("Affiché en tête du formulaire (Markdown)."))

    def __init__(self, *args, territories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.territories.choices = [SelectChoice(t.id, t.name) for t in territories]


class ReviewForm(Form):
    comment = TextAreaField(_l("Commentaire"), validators=[Optional(), max_length(5000)], filters=[strip],
                            description=_l("Obligatoire pour renvoyer : il est envoyé aux auteurs."))


class IndicatorForm(Form):
    label = StringField(_l("Libellé"), validators=[DataRequired(REQUIRED), max_length(200)], filters=[strip])
    definition = TextAreaField(_l("Définition"), validators=[Optional(), max_length(2000)], filters=[strip],
                               description=_l("Affichée à côté du champ dans le formulaire."))
    group = SelectField(_l("Rubrique"), choices=[SelectChoice(k, v) for k, v in GROUPS.items()])
    kind = SelectField(_l("Type de valeur"), choices=[SelectChoice(k, v) for k, v in KINDS.items()])


class UploadForm(Form):
    file = FileField(_l("Fichier XLSX ou CSV"),
                     description=_l("Le modèle téléchargeable ci-dessus, ou un export de votre outil de suivi avec une "
                                    "colonne « Indicateur » (code ou libellé) et une colonne « Valeur »."))


class MappingForm(Form):
    """CSRF only: the column → field choices are read as ``map-<column>`` like the directory's."""


@dataclass
class TypedContribution:
    """What was typed in a contribution form: the raw text of each field (shown again as is),
    the values read from it, the problems by indicator, and the notes confirming warnings."""

    raw: dict[int, str] = field(default_factory=dict)
    values: dict[Indicator, int | str | None] = field(default_factory=dict)
    errors: dict[int, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    note_errors: dict[str, str] = field(default_factory=dict)
    revision: int = 0

    @property
    def valid(self) -> bool:
        return not self.errors and not self.note_errors


def field_name(indicator: Indicator) -> str:
    return f"i-{indicator.id}"


def read_contribution(form, indicators: list[Indicator]) -> TypedContribution:
    typed = TypedContribution()
    try:
        typed.revision = int(form.get("revision", "0"))
    except ValueError:
        typed.revision = -1  # a tampered form: refused as a conflict, nothing typed is lost
    for indicator in indicators:
        raw = form.get(field_name(indicator), "")
        typed.raw[indicator.id] = raw
        try:
            typed.values[indicator] = checks.parse_value(indicator, raw)
        except checks.ValueProblem as problem:
            typed.errors[indicator.id] = str(problem)
    for check in checks.CHECKS:
        note = form.get(f"note-{check.code}", "")
        try:
            typed.notes[check.code] = checks.parse_text(note, checks.MAX_NOTE) or ""
        except checks.ValueProblem as problem:
            typed.notes[check.code] = note
            typed.note_errors[check.code] = str(problem)
    return typed


def typed_from_values(indicators: list[Indicator], values: dict[int, int | str | None],
                      notes: dict[str, str], revision: int) -> TypedContribution:
    """The form as stored (first display)."""
    typed = TypedContribution(notes=dict(notes or {}), revision=revision)
    for indicator in indicators:
        value = values.get(indicator.id)
        typed.raw[indicator.id] = "" if value is None else str(value)
        typed.values[indicator] = value
    return typed


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

    def _value(self) -> str:
        # An <input type="date"> shows only an ISO date: 30/06/2026 typed in a link comes back
        # as 2026-06-30; what could not be read comes back as typed, beside its message.
        return self.data.isoformat() if self.data and not self.process_errors else super()._value()


class ActivityPeriodForm(Form):
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
