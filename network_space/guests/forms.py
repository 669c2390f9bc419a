"""Forms of the guests domain: inviting partners, the public registration page."""
from __future__ import annotations

from wtforms import BooleanField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Optional

from network_space.core.forms import CheckboxesField, Form, max_length, strip
from network_space.core.i18n import lazy_gettext as _l
from network_space.directory.forms import kind_select_choices
from network_space.guests.services import GuestInput

EMAIL_INVALID = _l("Adresse email invalide.")


class InviteForm(Form):
    """Contacts of the directory ticked, and/or one person typed."""

    contact_ids = CheckboxesField(_l("Contacts de l'annuaire"), coerce=int, validators=[Optional()])
    name = StringField(_l("Nom et prénom"), validators=[Optional(), max_length(120)], filters=[strip])
    email = StringField(_l("Adresse email"), validators=[Optional(), Email(EMAIL_INVALID), max_length(254)],
                        filters=[strip])
    organisation_id = SelectField(_l("Organisation (annuaire)"), coerce=int, validators=[Optional()])
    organisation_typed = StringField(_l("Ou organisation hors annuaire"), validators=[Optional(), max_length(200)],
                                     filters=[strip])

    def __init__(self, *args, contacts=(), organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.contact_ids.choices = [
            SelectChoice(c.id, f"{c.name} — {c.organisation.name}" + (f" ({c.role})" if c.role else "")) for c in contacts]
        self.organisation_id.choices = [SelectChoice(0, _l("— Aucune —"))] + [
            SelectChoice(o.id, o.name) for o in organisations]

    def validate(self, extra_validators=None) -> bool:
        """A typed person needs both a name and an address. Checked here, after the fields:
        Optional() ends an empty field's chain before any validate_<field> would run."""
        valid = super().validate(extra_validators)
        if self.email.data and not self.name.data:
            self.name.errors.append(_l("Indiquez le nom de la personne."))
            valid = False
        if self.name.data and not self.email.data:
            self.email.errors.append(_l("Indiquez l'adresse email de la personne."))
            valid = False
        return valid

    def typed_person(self) -> GuestInput | None:
        if not self.email.data:
            return None
        return GuestInput(self.name.data, self.email.data, organisation_id=self.organisation_id.data or None,
                          organisation_typed=self.organisation_typed.data or None)


class PublicRegistrationForm(Form):
    name = StringField(_l("Nom et prénom"), validators=[DataRequired(_l("Indiquez votre nom.")), max_length(120)],
                       filters=[strip])
    email = StringField(_l("Adresse email"), validators=[DataRequired(_l("Indiquez votre adresse email.")),
                                                        Email(EMAIL_INVALID), max_length(254)], filters=[strip])
    organisation = StringField(_l("Entreprise ou organisation"),
                               validators=[DataRequired(_l("Indiquez votre entreprise ou organisation.")),
                                           max_length(200)], filters=[strip])
    # Honeypot: hidden from people (CSS and aria-hidden), filled by robots; a filled one is refused.
    website = StringField(_l("Site web (laissez vide)"), validators=[Optional(), max_length(200)])

    def person(self) -> GuestInput:
        return GuestInput(self.name.data, self.email.data, organisation_typed=self.organisation.data)


class AddOrganisationForm(Form):
    """The organisation a guest's inviter typed, to add to the directory: its name as typed and
    the type the directory requires; the rest is completed on the organisation's page."""

    name = StringField(_l("Nom de l'organisation"), validators=[DataRequired(_l("Indiquez le nom.")), max_length(200)],
                       filters=[strip])
    kind = SelectField(_l("Type"), coerce=int, validators=[DataRequired(_l("Choisissez le type d'organisation."))])
    with_contact = BooleanField(_l("Ajouter la personne invitée comme contact de l'organisation"), default=True)

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = kind_select_choices(kinds)
