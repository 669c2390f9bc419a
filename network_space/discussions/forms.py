"""Discussion forms. Every text has a maximum length and one-line fields refuse line breaks; a
refused form comes back with everything typed (WTForms re-renders what was posted)."""
from __future__ import annotations

from wtforms import BooleanField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional, ValidationError

from network_space.core.forms import EditedRow, Form, SubmittedOnce, choices, max_length, strip
from network_space.core.i18n import lazy_gettext as _l
from network_space.core.tags import check_tags, parse_tags
from network_space.discussions.links import LinkError, parse_links
from network_space.discussions.models import KIND_LABELS, KIND_WRITEUP
from network_space.discussions.services import MAX_BODY, MAX_TITLE, WRITEUP_FIELDS
from network_space.library.models import CLAUSE_MECHANISMS

MARKDOWN_HINT = _l("Markdown accepté : **gras**, listes, liens, > citation. Mentionnez un membre avec @prenom.nom.")
NOT_SPECIFIED = _l("— Non précisé —")


def _in_choices(message):
    def check(form, field):
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(message)
    return check


def _count(label):
    return IntegerField(label, validators=[Optional(), NumberRange(min=0, max=10_000_000, message=_l(
        "Indiquez un nombre entier entre 0 et 10 000 000."))])


def _text_version(form, message) -> str:
    """The version of a message's text (EditedRow): the moment it was last edited. A thread's own
    row moves with every reply, which is no change to what its author wrote."""
    moment = message.edited_at or message.created_at
    return moment.isoformat() if moment else ""


class ThreadForm(SubmittedOnce, EditedRow, Form):
    version_of = _text_version
    parsed_links: list = []  # set by validate_links
    category_id = SelectField(_l("Catégorie"), coerce=int, validators=[
        InputRequired(_l("Choisissez une catégorie.")), _in_choices(_l("Choisissez une catégorie."))])
    kind = RadioField(_l("Type"), choices=choices(KIND_LABELS.items()), default="discussion",
                      validators=[InputRequired(_l("Choisissez le type de discussion."))])
    title = StringField(_l("Titre"), filters=[strip], validators=[
        DataRequired(_l("Indiquez un titre.")), max_length(MAX_TITLE)])
    body = TextAreaField(_l("Message"), filters=[strip], validators=[
        DataRequired(_l("Écrivez votre message.")), max_length(MAX_BODY)], description=MARKDOWN_HINT)
    tags = StringField(_l("Mots-clés"), filters=[strip], validators=[max_length(600), check_tags],
                       description=_l("Séparés par des virgules, par exemple : bailleurs, BTP, ESAT."))
    territory_id = SelectField(_l("Territoire"), coerce=int, default=0,
                               validators=[_in_choices(_l("Choisissez un territoire de la liste."))])
    links = TextAreaField(_l("Liens vers le site"), filters=[strip], validators=[max_length(2000)],
                          description=_l("Adresses de ressources, d'événements, de réunions ou d'organisations de "
                                         "l'annuaire, une par ligne (copiez-les depuis la barre d'adresse)."))
    # The write-up ("fiche retour d'expérience") fields, used when kind is "writeup".
    context = TextAreaField(_l("Contexte"), filters=[strip], validators=[max_length(20_000)],
                            description=_l("Le marché, l'acheteur, le territoire, la période."))
    buyer_id = SelectField(_l("Acheteur (annuaire)"), coerce=int, default=0,
                           validators=[_in_choices(_l("Choisissez un acheteur de la liste."))])
    clause_mechanism = SelectField(_l("Mécanisme de clause"), default="", choices=choices(
        [("", NOT_SPECIFIED)] + list(CLAUSE_MECHANISMS.items())),
        validators=[_in_choices(_l("Choisissez un mécanisme de la liste."))])
    sector_id = SelectField(_l("Secteur d'activité"), coerce=int, default=0,
                            validators=[_in_choices(_l("Choisissez un secteur de la liste."))])
    insertion_hours = _count(_l("Heures d'insertion réalisées"))
    participants = _count(_l("Nombre de participants (personnes en insertion)"))
    what_worked = TextAreaField(_l("Ce qui a fonctionné"), filters=[strip], validators=[max_length(20_000)])
    difficulties = TextAreaField(_l("Difficultés rencontrées"), filters=[strip], validators=[max_length(20_000)])
    advice = TextAreaField(_l("Conseils pour reproduire"), filters=[strip], validators=[max_length(20_000)])
    contact = StringField(_l("Contact"), filters=[strip], validators=[max_length(300)],
                          description=_l("Qui joindre pour en savoir plus (nom, structure, téléphone ou email)."))

    def validate_links(self, field):
        try:
            self.parsed_links = parse_links(field.data)
        except LinkError as error:
            raise ValidationError(str(error)) from None

    def validate_context(self, field):
        if self.kind.data == KIND_WRITEUP and not field.data:
            raise ValidationError(_l("Une fiche commence par son contexte."))

    def writeup_data(self) -> dict | None:
        if self.kind.data != KIND_WRITEUP:
            return None
        data = {name: getattr(self, name).data for name in WRITEUP_FIELDS}
        data["buyer_id"] = data["buyer_id"] or None
        data["sector_id"] = data["sector_id"] or None
        data["clause_mechanism"] = data["clause_mechanism"] or None
        return data

    def tag_names(self) -> list[str]:
        return parse_tags(self.tags.data)


class ReplyForm(SubmittedOnce, EditedRow, Form):
    version_of = _text_version
    body = TextAreaField(_l("Votre réponse"), filters=[strip], validators=[
        DataRequired(_l("Écrivez votre réponse.")), max_length(MAX_BODY)], description=MARKDOWN_HINT)


class MoveForm(Form):
    category_id = SelectField(_l("Nouvelle catégorie"), coerce=int, validators=[
        InputRequired(_l("Choisissez une catégorie.")), _in_choices(_l("Choisissez une catégorie."))])


class CategoryForm(Form):
    name = StringField(_l("Nom"), filters=[strip], validators=[
        DataRequired(_l("Indiquez un nom.")), max_length(120)])
    description = StringField(_l("Description"), filters=[strip], validators=[max_length(300)])
    coanimators_only = BooleanField(_l("Réservée aux co-animateurs et co-animatrices"))
    writeups = BooleanField(_l("Accepte les fiches retour d'expérience"))
    active = BooleanField(_l("Ouverte aux nouvelles discussions"), default=True)
