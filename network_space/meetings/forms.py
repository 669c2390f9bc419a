from __future__ import annotations

from datetime import datetime, time

from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import URL, DataRequired, NumberRange, Optional, ValidationError
from wtforms.widgets import HiddenInput

from network_space.core.dates import exists_in_paris, paris_to_utc
from network_space.core.forms import (
    NO_SUCH_TIME,
    CheckboxesField,
    EditedRow,
    Form,
    SubmittedOnce,
    check_paris_time,
    choices,
    max_length,
    strip,
)
from network_space.core.http import int_value
from network_space.core.i18n import lazy_gettext as _l
from network_space.core.models import utcnow
from network_space.meetings.models import ACTION_STATUSES, FORMATS, KINDS, SCOPES
from network_space.meetings.polls import SlotInput

REQUIRED = _l("Ce champ est obligatoire.")
BAD_DATE = _l("Date invalide (format attendu : AAAA-MM-JJ).")
BAD_TIME = _l("Heure invalide (format attendu : HH:MM).")


class MeetingForm(SubmittedOnce, EditedRow, Form):
    title = StringField(_l("Titre"), validators=[DataRequired(REQUIRED), max_length(200)], filters=[strip])
    kind = SelectField(_l("Type de réunion"), choices=choices(KINDS.items()))
    series_id = SelectField(_l("Série"), coerce=int_value, validate_choice=False)
    new_series = StringField(_l("Ou nouvelle série"), validators=[Optional(), max_length(150)], filters=[strip])
    format = SelectField(_l("Format"), choices=choices(FORMATS.items()))
    place = StringField(_l("Lieu"), validators=[Optional(), max_length(300)], filters=[strip])
    video_link = StringField(
        _l("Lien de visioconférence"),
        validators=[Optional(), max_length(500), URL(require_tld=False, message=_l("Adresse web invalide (https://…)."))],
        filters=[strip],
    )
    description = TextAreaField(_l("Description (Markdown)"), validators=[Optional(), max_length(20000)], filters=[strip])
    private = BooleanField(_l("Réunion restreinte : seuls les invités voient la réunion et son compte-rendu"))
    invite_scope = SelectField(_l("Invités"), choices=choices(SCOPES.items()))
    invite_sector = SelectField(_l("Secteur"), choices=choices([("", "—"), ("nord", _l("Nord-Isère")), ("sud", _l("Sud-Isère"))]),
                                validate_choice=False)
    territory_ids = CheckboxesField(_l("Territoires"), coerce=int_value, validate_choice=False)
    named_member_ids = CheckboxesField(_l("Membres invités nommément"), coerce=int_value, validate_choice=False)
    organiser_ids = CheckboxesField(_l("Organisateurs"), coerce=int_value, validate_choice=False)
    secretary_id = SelectField(_l("Secrétaire de séance"), coerce=int_value, validate_choice=False)
    resource_ids = CheckboxesField(_l("Ressources de la bibliothèque liées"), coerce=int_value, validate_choice=False)

    def validate_invite_sector(self, field):
        if field.data not in (None, "", "nord", "sud"):
            raise ValidationError(_l("Secteur inconnu."))
        if self.invite_scope.data == "sector" and not field.data:
            raise ValidationError(_l("Choisissez le secteur invité."))

    def validate_territory_ids(self, field):
        if self.invite_scope.data == "territories" and not any(field.data or ()):
            raise ValidationError(_l("Choisissez au moins un territoire."))

    def validate_place(self, field):
        if self.format.data in ("presentiel", "hybride") and not field.data:
            raise ValidationError(_l("Indiquez le lieu d'une réunion en présentiel ou hybride."))

    def validate_video_link(self, field):
        if self.format.data in ("visio", "hybride") and not field.data:
            raise ValidationError(_l("Indiquez le lien de visioconférence."))


class SlotForm(Form):
    class Meta:
        csrf = False  # a row of SlotsForm, which carries the token

    day = DateField(_l("Date"), validators=[Optional()], format="%Y-%m-%d")
    start = TimeField(_l("Début"), validators=[Optional()], format="%H:%M")
    end = TimeField(_l("Fin"), validators=[Optional()], format="%H:%M")


class SlotsForm(Form):
    slots = FieldList(FormField(SlotForm), min_entries=6, max_entries=30)
    copy_first_times = BooleanField(_l("Reprendre les horaires du premier jour pour les dates sans horaire"), default=True)

    def validate(self, extra_validators=None) -> bool:
        """Each row with a date needs a start and an end (the first complete row's times when asked),
        the end after the start, and a date to come. The rows kept are in ``self.wanted``."""
        self.wanted: list[SlotInput] = []
        if not super().validate(extra_validators):
            return False
        entries = [entry.form for entry in self.slots]
        first = next((e for e in entries if e.day.data and e.start.data and e.end.data), None)
        for entry in entries:
            if not entry.day.data:
                continue
            start, end = entry.start.data, entry.end.data
            if (start is None or end is None) and self.copy_first_times.data and first is not None:
                start, end = start or first.start.data, end or first.end.data
            if start is None or end is None:
                entry.start.errors = [*entry.start.errors, _l("Indiquez le début et la fin.")]
            elif not (exists_in_paris(entry.day.data, start) and exists_in_paris(entry.day.data, end)):
                entry.start.errors = [*entry.start.errors, NO_SUCH_TIME]
            elif end <= start:
                entry.end.errors = [*entry.end.errors, _l("L'heure de fin doit être après l'heure de début.")]
            elif paris_to_utc(entry.day.data, start) < utcnow():
                entry.day.errors = [*entry.day.errors, _l("Cette date est passée.")]
            else:
                self.wanted.append(SlotInput(entry.day.data, start, end))
        return not any(e.day.errors or e.start.errors or e.end.errors for e in entries)


class PollOpenForm(Form):
    deadline_day = DateField(_l("Date limite de réponse (facultatif)"), validators=[Optional()], format="%Y-%m-%d")
    deadline_time = TimeField(_l("Heure limite"), validators=[Optional()], format="%H:%M")

    @property
    def deadline(self) -> datetime | None:
        """The deadline as aware UTC (the end of the day when no time is given), or None."""
        if not self.deadline_day.data:
            return None
        return paris_to_utc(self.deadline_day.data, self.deadline_time.data or time(23, 59))

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if self.deadline is not None and self.deadline < utcnow():
            self.deadline_day.errors.append(_l("La date limite de réponse est passée."))
            return False
        return True


class ScheduleForm(Form):
    """The meeting's date: one to come, unless the meeting's own date has passed already (the
    hours of a meeting held are corrected afterwards)."""

    day = DateField(_l("Date"), validators=[DataRequired(BAD_DATE)], format="%Y-%m-%d")
    start = TimeField(_l("Début"), validators=[DataRequired(BAD_TIME)], format="%H:%M")
    end = TimeField(_l("Fin"), validators=[DataRequired(BAD_TIME)], format="%H:%M")

    def __init__(self, *args, current_start: datetime | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.current_start = current_start

    def validate_end(self, field):
        if self.start.data and field.data and field.data <= self.start.data:
            raise ValidationError(_l("L'heure de fin doit être après l'heure de début."))

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not all([check_paris_time(self.day, self.start), check_paris_time(self.day, self.end)]):
            return False
        now = utcnow()
        if paris_to_utc(self.day.data, self.start.data) < now and (self.current_start is None or self.current_start > now):
            self.day.errors.append(_l("Cette date est passée."))
            return False
        return True


class CancelForm(Form):
    reason = TextAreaField(_l("Raison de l'annulation"), validators=[DataRequired(REQUIRED), max_length(2000)], filters=[strip])


class AgendaItemForm(SubmittedOnce, Form):
    title = StringField(_l("Point"), validators=[DataRequired(REQUIRED), max_length(200)], filters=[strip])
    duration = IntegerField(_l("Durée (minutes)"), validators=[Optional(), NumberRange(1, 600, _l("Entre 1 et 600 minutes."))])
    presenter = StringField(_l("Présenté par"), validators=[Optional(), max_length(150)], filters=[strip])
    description = TextAreaField(_l("Détails (Markdown)"), validators=[Optional(), max_length(5000)], filters=[strip])
    resource_ids = CheckboxesField(_l("Ressources liées"), coerce=int_value, validate_choice=False)


class MinutesForm(Form):
    body = TextAreaField(_l("Compte-rendu (Markdown)"), validators=[Optional(), max_length(100000)],
                         filters=[])
    # The version the editor was opened on: a save over a newer one is a conflict (minutes.conflicts).
    revision = IntegerField(widget=HiddenInput(), validators=[Optional()])


class DecisionForm(Form):
    text = TextAreaField(_l("Décision"), validators=[DataRequired(REQUIRED), max_length(2000)], filters=[strip])


class ActionForm(Form):
    title = StringField(_l("Action"), validators=[DataRequired(REQUIRED), max_length(300)], filters=[strip])
    assignee_id = SelectField(_l("Qui"), coerce=int_value, validate_choice=False)
    due_date = DateField(_l("Échéance"), validators=[Optional()], format="%Y-%m-%d")


class ActionStatusForm(Form):
    status = SelectField(_l("Statut"), choices=choices(ACTION_STATUSES.items()))


class FilterForm(Form):
    class Meta:
        csrf = False

    kind = SelectField(_l("Type"), choices=choices([("", _l("Tous"))] + list(KINDS.items())), validate_choice=False)
    series = SelectField(_l("Série"), coerce=int_value, validate_choice=False)
    territory = SelectField(_l("Territoire"), coerce=int_value, validate_choice=False)

