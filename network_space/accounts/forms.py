from __future__ import annotations

import re

from stdnum.fr import siren
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Optional, Regexp, ValidationError

from network_space.accounts.models import ROLE_LABELS, SECTOR_LABELS, STRUCTURE_KIND_LABELS
from network_space.core.forms import CheckboxesField, DecimalCommaField, Form, choices, max_length, strip
from network_space.core.http import int_value
from network_space.core.i18n import LANGUAGES, lazy_gettext as _l
from network_space.core.permissions import ROLES


def _email_field(label=_l("Adresse email"), **kw):
    return EmailField(
        label,
        filters=[strip],
        validators=[DataRequired(_l("Indiquez une adresse email.")), Email(_l("Adresse email invalide.")), max_length(254)],
        **kw,
    )


def _new_password_fields(label=_l("Nouveau mot de passe")):
    password = PasswordField(
        label,
        validators=[DataRequired(_l("Choisissez un mot de passe.")), max_length(200)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Confirmez le mot de passe"),
        validators=[DataRequired(_l("Confirmez le mot de passe.")), max_length(200)],
        render_kw={"autocomplete": "new-password"},
    )
    return password, confirm


class LoginForm(Form):
    email = _email_field(render_kw={"autocomplete": "username"})
    password = PasswordField(
        _l("Mot de passe"),
        validators=[DataRequired(_l("Indiquez votre mot de passe.")), max_length(200)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Se souvenir de moi sur cet appareil"))


class ForgotPasswordForm(Form):
    email = _email_field(render_kw={"autocomplete": "username"})


class ResetPasswordForm(Form):
    password, confirm = _new_password_fields()


class AcceptInvitationForm(Form):
    full_name = StringField(
        _l("Prénom et nom"),
        filters=[strip],
        validators=[DataRequired(_l("Indiquez votre nom.")), max_length(120)],
        render_kw={"autocomplete": "name"},
    )
    password, confirm = _new_password_fields(_l("Mot de passe"))


class ChangePasswordForm(Form):
    current_password = PasswordField(
        _l("Mot de passe actuel"),
        validators=[DataRequired(_l("Indiquez votre mot de passe actuel.")), max_length(200)],
        render_kw={"autocomplete": "current-password"},
    )
    password, confirm = _new_password_fields()


class ProfileForm(Form):
    full_name = StringField(_l("Prénom et nom"), filters=[strip],
                            validators=[DataRequired(_l("Indiquez votre nom.")), max_length(120)],
                            render_kw={"autocomplete": "name"})
    job_title = StringField(_l("Fonction"), filters=[strip], validators=[Optional(), max_length(120)],
                            render_kw={"autocomplete": "organization-title"})
    phone = StringField(
        _l("Téléphone"), filters=[strip],
        validators=[Optional(), max_length(30),
                    Regexp(r"^[0-9 +().-]*$", message=_l("Chiffres, espaces et + ( ) . - uniquement."))],
        render_kw={"autocomplete": "tel", "type": "tel"},
    )
    bio = TextAreaField(_l("Présentation"), filters=[strip], validators=[Optional(), max_length(5000)])
    territories = CheckboxesField(_l("Territoires couverts"), coerce=int, validate_choice=True)
    facilitation_fte = DecimalCommaField(_l("Temps consacré à la facilitation des clauses sociales (ETP)"),
                                         [Optional()], minimum=0, maximum=1)
    language = SelectField(_l("Langue de l'interface"), choices=choices(list(LANGUAGES.items())))


class InvitationForm(Form):
    email = _email_field()
    role = SelectField(_l("Rôle"), choices=choices((r, ROLE_LABELS[r]) for r in ROLES))
    structure = SelectField(_l("Structure"), coerce=int)
    # Or the structure, not there yet, created with the invitation: the employer of a newcomer is
    # often new to the site too (a plain set of fields, so it works without JavaScript).
    new_structure_name = StringField(_l("Nom de la nouvelle structure"), filters=[strip],
                                     validators=[Optional(), max_length(200)])
    # Checked in validate(), only when a new structure is typed: otherwise nothing is asked of them.
    new_structure_kind = SelectField(_l("Type"), choices=choices(STRUCTURE_KIND_LABELS.items()), validate_choice=False)
    new_structure_territory = SelectField(_l("Territoire"), coerce=int_value, validate_choice=False)
    message = TextAreaField(_l("Message personnel (facultatif)"), filters=[strip], validators=[Optional(), max_length(2000)])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        chosen, new = self.structure.data or 0, self.new_structure_name.data
        if chosen and new:
            self.new_structure_name.errors = [*self.new_structure_name.errors, _l(
                "Choisissez une structure existante ou créez-en une, pas les deux.")]
            return False
        if not chosen and not new:
            self.structure.errors = [*self.structure.errors, _l(
                "Choisissez une structure, ou créez-la ci-dessous.")]
            return False
        if new and self.new_structure_kind.data not in STRUCTURE_KIND_LABELS:
            self.new_structure_kind.errors = [*self.new_structure_kind.errors, _l("Choisissez un type.")]
            return False
        territories = {choice.value for choice in self.new_structure_territory.choices or ()}
        if new and self.new_structure_territory.data and self.new_structure_territory.data not in territories:
            self.new_structure_territory.errors = [*self.new_structure_territory.errors, _l("Territoire inconnu.")]
            return False
        return valid


class RoleForm(Form):
    role = SelectField(_l("Rôle"), choices=choices((r, ROLE_LABELS[r]) for r in ROLES))


class StructureForm(Form):
    name = StringField(_l("Nom"), filters=[strip], validators=[DataRequired(_l("Indiquez un nom.")), max_length(200)])
    kind = SelectField(_l("Type"), choices=choices(STRUCTURE_KIND_LABELS.items()))
    territory = SelectField(_l("Territoire"), coerce=int)
    website = StringField(_l("Site web"), filters=[strip], validators=[Optional(), max_length(300),
                          Regexp(r"^https?://", message=_l("Adresse commençant par http:// ou https://."))])
    address = StringField(_l("Adresse"), filters=[strip], validators=[Optional(), max_length(300)])
    active = BooleanField(_l("Active"), default=True)


def _compact_digits(value):
    return re.sub(r"[\s.]", "", value) if isinstance(value, str) else value


def _valid_siren(form, field) -> None:
    # Only nine digits have a check digit to look at: anything else has the Regexp's message alone.
    if field.data and re.fullmatch(r"\d{9}", field.data) and not siren.is_valid(field.data):
        raise ValidationError(_l("Ce SIREN n'est pas valide (clé de contrôle) : vérifiez les chiffres."))


class TerritoryForm(Form):
    name = StringField(_l("Nom"), filters=[strip], validators=[DataRequired(_l("Indiquez un nom.")), max_length(150)])
    short_name = StringField(_l("Nom court"), filters=[strip], validators=[Optional(), max_length(60)])
    sector = SelectField(_l("Secteur"), choices=choices(SECTOR_LABELS.items()))
    siren = StringField(_l("SIREN de l'EPCI"), filters=[strip, _compact_digits],
                        validators=[Optional(), Regexp(r"^\d{9}$", message=_l("Un SIREN compte 9 chiffres.")),
                                    _valid_siren], render_kw={"inputmode": "numeric"})
    active = BooleanField(_l("Actif"), default=True)


class EraseForm(Form):
    """Erasure cannot be undone: the admin types the account's address to confirm."""

    confirm_email = StringField(_l("Pour confirmer, saisissez l'adresse email du compte"), filters=[strip],
                                validators=[DataRequired(_l("Saisissez l'adresse email du compte.")), max_length(254)],
                                render_kw={"autocomplete": "off", "spellcheck": "false"})
