"""SIRET numbers: typed with spaces or dots, checked by python-stdnum (Luhn, and the La Poste
exception where establishments of SIREN 356 000 000 use a digit sum multiple of 5), stored
compact (14 digits), shown grouped."""
from __future__ import annotations

from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength, ValidationError
from stdnum.fr import siret as stdnum_siret
from wtforms.validators import ValidationError as FormValidationError

from network_space.core.i18n import lazy_gettext as _l


class InvalidSiret(ValueError):
    """The message is French and user-facing."""


def normalize_siret(value: str | None) -> str | None:
    """The compact SIRET, None for an empty value; raises InvalidSiret with a French message."""
    raw = (value or "").strip()
    if not raw:
        return None
    try:
        return stdnum_siret.validate(raw)
    except InvalidLength:
        raise InvalidSiret(str(_l("Un SIRET compte 14 chiffres."))) from None
    except InvalidFormat:
        raise InvalidSiret(str(_l("Un SIRET ne contient que des chiffres (les espaces sont acceptés)."))) from None
    except InvalidChecksum:
        raise InvalidSiret(str(_l("Ce SIRET n'est pas valide (clé de contrôle incorrecte)."))) from None
    except ValidationError:
        raise InvalidSiret(str(_l("Ce SIRET n'est pas valide."))) from None


def format_siret(value: str | None) -> str:
    return stdnum_siret.format(value) if value else ""


def siret_validator(form, field) -> None:
    """WTForms validator: replaces the field's data by the compact SIRET."""
    try:
        field.data = normalize_siret(field.data)
    except InvalidSiret as error:
        raise FormValidationError(str(error)) from None
