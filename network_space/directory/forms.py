from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import BooleanField, EmailField, FieldList, FormField, IntegerField, RadioField, SelectField, \
    StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, NumberRange, Optional, Regexp, URL

from network_space.core.forms import CheckboxesField, EditedRow, Form, SubForm, SubmittedOnce, max_length, strip
from network_space.core.i18n import lazy_gettext as _l
from network_space.directory.models import KIND_GROUPS, SERVICE_TYPES
from network_space.directory.siret import siret_validator

MAX_CONTACTS = 10


def kind_select_choices(kinds) -> list[SelectChoice]:
    """The organisation types as a select's choices, grouped by family, after "— Choisir —"."""
    return [SelectChoice(0, _l("— Choisir —"))] + [
        SelectChoice(kind.id, kind.name, optgroup=str(KIND_GROUPS.get(kind.group, kind.group))) for kind in kinds]


def _none_if_empty(value):
    return value or None


def _optional_text(label, length, **kwargs):
    return StringField(label, filters=[strip, _none_if_empty], validators=[Optional(), max_length(length)], **kwargs)


class ContactForm(SubForm):
    """One contact person; a row left empty is ignored, a row without a name is refused (its
    email or phone would otherwise vanish on saving)."""

    name = _optional_text(_l("Nom"), 120)
    role = _optional_text(_l("Fonction"), 120)
    email = EmailField(_l("Email"), filters=[strip, _none_if_empty],
                       validators=[Optional(), Email(_l("Adresse email invalide.")), max_length(254)])
    phone = _optional_text(_l("Téléphone"), 30)

    def validate(self, extra_validators=None) -> bool:
        # Not a validate_name method: Optional() ends the name's chain when it is empty.
        valid = super().validate(extra_validators)
        if not self.name.data and any((self.role.data, self.email.data, self.phone.data)):
            self.name.errors = [*self.name.errors, _l("Indiquez le nom de la personne, ou videz la ligne.")]
            return False
        return valid


class OrganisationForm(SubmittedOnce, EditedRow, Form):
    name = StringField(_l("Nom"), filters=[strip],
                       validators=[DataRequired(_l("Indiquez le nom de l'organisation.")), max_length(200)])
    trade_name = _optional_text(_l("Nom commercial"), 200)
    kind = SelectField(_l("Type"), coerce=int, validators=[DataRequired(_l("Choisissez un type."))])
    siret = StringField(_l("SIRET"), filters=[strip], validators=[max_length(30), siret_validator],
                        description=_l("14 chiffres, espaces acceptés. Laissez vide s'il n'est pas connu."))
    address = _optional_text(_l("Adresse"), 300)
    postcode = StringField(_l("Code postal"), filters=[strip, _none_if_empty],
                           validators=[Optional(), Regexp(r"^\d{5}$", message=_l("Un code postal compte 5 chiffres."))])
    commune = _optional_text(_l("Commune"), 120)
    territory = SelectField(_l("Territoire (EPCI)"), coerce=int, default=0)
    phone = _optional_text(_l("Téléphone"), 30)
    email = EmailField(_l("Email"), filters=[strip, _none_if_empty],
                       validators=[Optional(), Email(_l("Adresse email invalide.")), max_length(254)])
    website = StringField(_l("Site web"), filters=[strip, _none_if_empty],
                          validators=[Optional(), max_length(300),
                                      URL(require_tld=True, message=_l("Adresse web invalide (https://…)."))])
    contacts = FieldList(FormField(ContactForm), min_entries=1, max_entries=MAX_CONTACTS)
    sectors = CheckboxesField(_l("Secteurs d'activité"), coerce=int)
    services = CheckboxesField(_l("Types de prestation"), choices=[SelectChoice(k, v) for k, v in SERVICE_TYPES.items()])
    whole_departement = BooleanField(_l("Intervient sur tout le département"))
    served_territories = CheckboxesField(_l("Territoires d'intervention"), coerce=int)
    workforce = IntegerField(_l("Effectif"), validators=[Optional(), NumberRange(0, 1_000_000, _l("Effectif invalide."))])
    reserved_l2113_12 = BooleanField(_l("Éligible aux marchés réservés L2113-12 (ESAT, EA)"))
    reserved_l2113_13 = BooleanField(_l("Éligible aux marchés réservés L2113-13 (SIAE)"))
    description = TextAreaField(_l("Présentation"), filters=[strip, _none_if_empty],
                                validators=[Optional(), max_length(10_000)],
                                description=_l("Activités, savoir-faire, références (Markdown accepté)."))
    internal_notes = TextAreaField(_l("Notes internes"), filters=[strip, _none_if_empty],
                                   validators=[Optional(), max_length(10_000)],
                                   description=_l("Visibles des seuls membres du réseau."))
    mark_checked = BooleanField(_l("J'ai vérifié ces informations aujourd'hui"))


class KindForm(Form):
    name = StringField(_l("Nom"), filters=[strip], validators=[DataRequired(_l("Indiquez un nom.")), max_length(120)])
    # Lower-cased when saved, not here: a refused form shows the identifier as it was typed.
    slug = StringField(_l("Identifiant"), filters=[strip],
                       validators=[DataRequired(_l("Indiquez un identifiant.")), max_length(60),
                                   Regexp(r"^[A-Za-z0-9-]+$", message=_l("Lettres, chiffres et tirets."))])
    group = SelectField(_l("Famille"), choices=[SelectChoice(k, v) for k, v in KIND_GROUPS.items()])
    active = BooleanField(_l("Proposé dans les formulaires"), default=True)


class ImportUploadForm(Form):
    file = FileField(_l("Fichier CSV ou XLSX"),
                     description=_l("Classeur Excel (.xlsx), export « CSV (séparateur : point-virgule) » ou CSV UTF-8."))


class ImportMappingForm(Form):
    """The column → field mapping; its choices are set per file by the view."""

    on_duplicate = RadioField(
        _l("Organisations déjà dans l'annuaire (même SIRET, ou même nom pour une ligne sans SIRET)"),
        choices=[SelectChoice("skip", _l("Les ignorer")), SelectChoice("update", _l("Les mettre à jour avec le fichier"))],
        default="skip",
    )
