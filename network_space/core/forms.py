"""Form helpers shared by every domain: the base form classes, stripped text with a French length
message, select choices.

Every form of the site derives from ``Form`` (a page form, with its CSRF token) or ``SubForm`` (a
row inside another form's FieldList). Both give each one-line text field (a StringField that is
not a TextAreaField: titles, subjects, names, addresses, passwords…) a last validator refusing
line breaks and other control characters: such a title would become an email subject or an
iCalendar line, where a line break starts a new header (tests/core/test_one_line_fields.py checks
every field of every form).
"""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Form as _WTForm
from wtforms import StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, ValidationError

# C0 and C1 control characters (line feed, carriage return, tab, NUL…) and the Unicode line and
# paragraph separators, which some mail and calendar software also read as line ends.
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def strip(value):
    return value.strip() if isinstance(value, str) else value


def max_length(n: int) -> Length:
    return Length(max=n, message=_l("%(max)d caractères au maximum.", max=n))


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as a select's choices."""
    return [SelectChoice(value, label) for value, label in pairs]


def single_line(form, field) -> None:
    if isinstance(field.data, str) and CONTROL_CHARACTERS.search(field.data):
        raise ValidationError(_l("Ce champ tient sur une ligne : retirez les retours à la ligne et les "
                                 "caractères invisibles (tabulations…)."))


def is_one_line(field) -> bool:
    return isinstance(field, StringField) and not isinstance(field, TextAreaField)


class _OneLineFields:
    """Form Meta: adds single_line to every one-line field as it is bound to a form instance
    (a new list: the declaration's validators are shared by all instances)."""

    def bind_field(self, form, unbound_field, options):
        field = super().bind_field(form, unbound_field, options)
        if is_one_line(field):
            field.validators = [*field.validators, single_line]
        return field


class Form(FlaskForm):
    """The base of every form of the site."""

    class Meta(_OneLineFields):
        pass


class SubForm(_WTForm):
    """The base of a row repeated inside a form (FieldList of FormField): no CSRF token of its own."""

    class Meta(_OneLineFields):
        pass
