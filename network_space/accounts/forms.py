from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email

from network_space.core.forms import max_length, strip


class LoginForm(FlaskForm):
    email = EmailField(
        _l("Adresse email"),
        filters=[strip],
        validators=[DataRequired(_l("Indiquez votre adresse email.")), Email(_l("Adresse email invalide.")), max_length(254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Mot de passe"),
        validators=[DataRequired(_l("Indiquez votre mot de passe.")), max_length(200)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Se souvenir de moi sur cet appareil"))
