"""Event forms. Dates and times are typed as Paris wall-clock time."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields import DateTimeLocalField, URLField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, DataRequired, InputRequired, NumberRange, Optional, ValidationError

from network_space.core.dates import local_naive_to_utc, paris_to_utc
from network_space.core.forms import (
    CheckboxesField,
    EditedRow,
    Form,
    SubmittedOnce,
    check_paris_time,
    max_length,
    strip,
)
from network_space.core.i18n import lazy_gettext as _l
from network_space.events.models import FEED_SCOPES
from network_space.events.services import EventInput

REQUIRED = _l("Ce champ est obligatoire.")


class EventForm(SubmittedOnce, EditedRow, Form):
    title = StringField(_l("Titre"), validators=[DataRequired(REQUIRED), max_length(200)], filters=[strip])
    kind = SelectField(_l("Type d'événement"), validators=[InputRequired(REQUIRED)])
    description = TextAreaField(_l("Description"), validators=[Optional(), max_length(20000)], filters=[strip])
    all_day = BooleanField(_l("Toute la journée"))
    start_date = DateField(_l("Date de début"), validators=[InputRequired(_l("Indiquez une date valide."))])
    start_time = TimeField(_l("Heure de début"), validators=[Optional()])
    end_date = DateField(_l("Date de fin"), validators=[Optional()])
    end_time = TimeField(_l("Heure de fin"), validators=[Optional()])
    place = StringField(_l("Lieu"), validators=[Optional(), max_length(300)], filters=[strip])
    online_url = URLField(_l("Lien de connexion (visio)"), validators=[
        Optional(), max_length(500), URL(require_tld=False, message=_l("Indiquez une adresse web complète (https://…)."))],
        filters=[strip])
    territory_id = SelectField(_l("Territoire"), coerce=int, default=0)
    organiser_ids = CheckboxesField(_l("Organisateurs et organisatrices"), coerce=int, validators=[Optional()])
    partner_ids = CheckboxesField(_l("Structures partenaires (annuaire)"), coerce=int, validators=[Optional()])
    resource_ids = CheckboxesField(_l("Ressources liées (bibliothèque)"), coerce=int, validators=[Optional()])
    capacity = IntegerField(_l("Nombre de places"), validators=[
        Optional(), NumberRange(min=1, max=100000, message=_l("Indiquez un nombre entre 1 et 100 000."))])
    registration_deadline = DateTimeLocalField(_l("Date limite d'inscription"), format="%Y-%m-%dT%H:%M",
                                               validators=[Optional()])

    def __init__(self, *args, kinds=(), territories=(), users=(), organisations=(), resources=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [SelectChoice(k.code, k.label) for k in kinds]
        self.resource_ids.choices = [SelectChoice(r.id, r.title) for r in resources]
        self.partner_ids.choices = [SelectChoice(o.id, o.name, optgroup=o.kind.name) for o in organisations]
        self.territory_id.choices = [SelectChoice(0, _l("— Aucun (tout le département) —"))] + [
            SelectChoice(t.id, t.name) for t in territories]
        self.organiser_ids.choices = [SelectChoice(u.id, u.full_name) for u in users]

    def validate_start_time(self, field):
        if not self.all_day.data and field.data is None:
            raise ValidationError(_l("Indiquez l'heure de début, ou cochez « Toute la journée »."))

    def validate_end_time(self, field):
        if not self.all_day.data and field.data is None:
            raise ValidationError(_l("Indiquez l'heure de fin, ou cochez « Toute la journée »."))

    def bounds(self) -> tuple[datetime, datetime]:
        """Start and end as aware UTC. All-day: Paris midnight to the midnight after the last day."""
        start_day = self.start_date.data
        end_day = self.end_date.data or start_day
        if self.all_day.data:
            return paris_to_utc(start_day, time(0)), paris_to_utc(end_day + timedelta(days=1), time(0))
        return paris_to_utc(start_day, self.start_time.data), paris_to_utc(end_day, self.end_time.data)

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not self.all_day.data and not all([
                check_paris_time(self.start_date, self.start_time),
                check_paris_time(self.end_date, self.end_time, day=self.end_date.data or self.start_date.data)]):
            return False
        start, end = self.bounds()
        if end <= start:
            target = self.end_date if self.all_day.data else self.end_time
            target.errors.append(_l("La fin doit être après le début."))
            return False
        if self.registration_deadline.data and local_naive_to_utc(self.registration_deadline.data) > start:
            self.registration_deadline.errors.append(_l("La date limite d'inscription doit précéder le début."))
            return False
        return True

    def to_input(self) -> EventInput:
        start, end = self.bounds()
        deadline = self.registration_deadline.data
        return EventInput(
            title=self.title.data,
            kind=self.kind.data,
            description=self.description.data or None,
            all_day=bool(self.all_day.data),
            starts_at=start,
            ends_at=end,
            place=self.place.data or None,
            online_url=self.online_url.data or None,
            territory_id=self.territory_id.data or None,
            capacity=self.capacity.data,
            registration_deadline=local_naive_to_utc(deadline) if deadline else None,
            organiser_ids=list(self.organiser_ids.data or []),
            partner_ids=list(self.partner_ids.data or []),
            resource_ids=list(self.resource_ids.data or []),
        )


class CancelForm(Form):
    reason = TextAreaField(_l("Motif de l'annulation"), validators=[DataRequired(REQUIRED), max_length(2000)],
                           filters=[strip])


class MessageForm(SubmittedOnce, Form):
    subject = StringField(_l("Objet"), validators=[DataRequired(REQUIRED), max_length(200)], filters=[strip])
    body = TextAreaField(_l("Message"), validators=[DataRequired(REQUIRED), max_length(10000)], filters=[strip])
    include_waiting = BooleanField(_l("Écrire aussi aux personnes en liste d'attente"))


class AddRegistrantForm(Form):
    # validate_choice off: a member no longer offered (registered from another tab meanwhile) is
    # named in words below, not as "not a valid choice".
    user_id = SelectField(_l("Membre à inscrire"), coerce=int, validate_choice=False,
                          validators=[InputRequired(_l("Choisissez le membre à inscrire."))])

    def __init__(self, *args, users=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.user_id.choices = [SelectChoice(0, "—")] + [SelectChoice(u.id, u.full_name) for u in users]

    def validate_user_id(self, field) -> None:
        if not field.data:
            raise ValidationError(_l("Choisissez le membre à inscrire."))
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_l("Ce membre est déjà inscrit ou sur la liste d'attente, ou son compte n'est plus "
                                     "actif : la liste ci-dessus est à jour."))


class FeedForm(Form):
    scope = SelectField(_l("Contenu de l'agenda"), choices=[SelectChoice(k, v) for k, v in FEED_SCOPES.items()],
                        validators=[InputRequired(REQUIRED)])


class FollowForm(Form):
    """The event kinds and territories a member follows, to hear about new events."""

    all_kinds = BooleanField(_l("Tous les types d'événements"))
    kind_ids = CheckboxesField(_l("Les types d'événements"), coerce=int, validators=[Optional()])
    territory_ids = CheckboxesField(_l("Les territoires"), coerce=int, validators=[Optional()])

    def __init__(self, *args, kinds=(), territories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kind_ids.choices = [SelectChoice(k.id, k.label) for k in kinds]
        self.territory_ids.choices = [SelectChoice(t.id, t.name) for t in territories]

    def chosen_kind_ids(self) -> list[int]:
        """"Tous les types" stands for every kind, whatever boxes are ticked."""
        if self.all_kinds.data:
            return [choice.value for choice in self.kind_ids.choices]
        return list(self.kind_ids.data or [])


class KindForm(Form):
    """The name of an event kind (admin), as the calendar filters and the follow choices show it."""

    label = StringField(_l("Nom du type"), filters=[strip],
                        validators=[DataRequired(_l("Indiquez un nom.")), max_length(100)])
