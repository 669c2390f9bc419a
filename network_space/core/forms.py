"""Form helpers shared by every domain: the base form classes, stripped text with a French length
message, select choices, decimal numbers typed with a comma.

Every form of the site derives from ``Form`` (a page form, with its CSRF token) or ``SubForm`` (a
row inside another form's FieldList). Both give each one-line text field (a StringField that is
not a TextAreaField: titles, subjects, names, addresses, passwords…) a last validator refusing
line breaks and other control characters: such a title would become an email subject or an
iCalendar line, where a line break starts a new header (tests/core/test_one_line_fields.py checks
every field of every form).
"""
from __future__ import annotations

import logging
import re
import secrets
import time
import unicodedata
from datetime import datetime, timedelta

from flask import flash, g, redirect
from flask_babel import LazyString, format_decimal
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy import String, delete, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column
from wtforms import Form as _WTForm
from wtforms import DateField, DateTimeLocalField, HiddenField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from network_space.core.dates import MAX_YEAR, MIN_YEAR, exists_in_paris
from network_space.core.i18n import lazy_gettext as _l
from network_space.core.models import UTCDateTime, utcnow
from network_space.core.numbers import fmt_number
from network_space.core.transactions import Refusal
from network_space.extensions import db

# C0 and C1 control characters (line feed, carriage return, tab, NUL…), the Unicode line and
# paragraph separators, which some mail and calendar software also read as line ends, and the
# bidirectional embeddings, overrides and isolates, which reorder what follows them on screen (a
# title or a file name that reads otherwise than it is).
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def strip(value):
    return value.strip() if isinstance(value, str) else value


def max_length(n: int) -> Length:
    # The number as the reader writes it ("10 000"), when the message is shown.
    return Length(max=n, message=_l("%(max)s caractères au maximum.", max=LazyString(fmt_number, n)))


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as a select's choices."""
    return [SelectChoice(value, label) for value, label in pairs]


NO_SUCH_TIME = _l("Cette heure n'existe pas ce jour-là (passage à l'heure d'été, de 02:00 à 03:00) : choisissez-en "
                  "une autre.")


def check_paris_time(day_field, time_field, day=None) -> bool:
    """Whether the time typed exists in Paris on the day typed (``day`` when the day comes from
    elsewhere); else the time field says why. Nothing to say while either is missing."""
    day = day or day_field.data
    if day is None or time_field.data is None or exists_in_paris(day, time_field.data):
        return True
    time_field.errors = [*time_field.errors, NO_SUCH_TIME]
    return False


def single_line(form, field) -> None:
    # What was typed, before the field's filters (which may have squeezed the line break out of
    # a SIREN): a line break is refused, not silently rewritten.
    typed = field.raw_data[0] if field.raw_data else field.data
    if isinstance(typed, str) and CONTROL_CHARACTERS.search(typed):
        raise ValidationError(_l("Ce champ tient sur une ligne : retirez les retours à la ligne et les "
                                 "caractères invisibles (tabulations…)."))
    # Zero-width spaces alone pass a required check but show nothing: an invisible title.
    if isinstance(typed, str) and typed and not any(
            not c.isspace() and unicodedata.category(c) != "Cf" for c in typed):
        raise ValidationError(_l("Ce champ ne contient que des caractères invisibles : tapez du texte."))


def is_one_line(field) -> bool:
    """A text field whose text is kept as typed on one line. A DecimalCommaField is not: it keeps
    a number and refuses anything else, line breaks included, with its own message."""
    return isinstance(field, StringField) and not isinstance(field, (TextAreaField, DecimalCommaField))


def plausible_year(form, field) -> None:
    if field.data is not None and not MIN_YEAR <= field.data.year <= MAX_YEAR:
        raise ValidationError(_l("Indiquez une date entre %(min)d et %(max)d.", min=MIN_YEAR, max=MAX_YEAR))


# WTForms' own messages where the site says it its way, in the reader's language ("N'est pas un
# entier valide." read as a machine's, beside the site's sentences).
_SITE_MESSAGES = {
    "Not a valid integer value.": _l("Indiquez un nombre entier (des chiffres seulement)."),
    "Not a valid decimal value.": _l("Indiquez un nombre, par exemple 0,8."),
    "Not a valid float value.": _l("Indiquez un nombre, par exemple 0,8."),
    "Not a valid date value.": _l("Indiquez une date valide (jour, mois, année)."),
    "Not a valid datetime value.": _l("Indiquez une date et une heure valides."),
    "Not a valid time value.": _l("Indiquez une heure valide, par exemple 09:30."),
    "Not a valid choice.": _l("Choisissez une des options proposées."),
    "Invalid Choice: could not coerce.": _l("Choisissez une des options proposées."),
}


class _SiteTranslations:
    def __init__(self, fallback):
        self.fallback = fallback

    def gettext(self, string):
        own = _SITE_MESSAGES.get(string)
        return str(own) if own is not None else self.fallback.gettext(string)

    def ngettext(self, singular, plural, n):
        return self.fallback.ngettext(singular, plural, n)


class _OneLineFields:
    """Form Meta: adds single_line to every one-line field, and plausible_year to every date
    field, as it is bound to a form instance (a new list: the declaration's validators are
    shared by all instances); and speaks the site's words for WTForms' own messages."""

    def get_translations(self, form):
        return _SiteTranslations(super().get_translations(form))

    def bind_field(self, form, unbound_field, options):
        field = super().bind_field(form, unbound_field, options)
        if is_one_line(field):
            field.validators = [*field.validators, single_line]
        if isinstance(field, (DateField, DateTimeLocalField)):
            field.validators = [*field.validators, plausible_year]
        return field


class Form(FlaskForm):
    """The base of every form of the site."""

    class Meta(_OneLineFields):
        pass


class CheckboxesField(SelectMultipleField):
    """A multiple choice as checkboxes, never a <select multiple> (Ctrl-click, lost in one slip).
    Pages render it with the ``checkboxes`` macro of _macros.html (fieldset, legend, a filter
    for long lists); the widget below serves the few that render the field itself."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class EditedRow:
    """A form that edits a shared row (an organisation, a resource, an event, a meeting): the
    version it was opened on (the row's ``updated_at``, core/models.TimestampMixin) travels in a
    hidden field, and a save over a newer version is refused with everything typed kept, instead
    of silently undoing a colleague's change. Mixed into the form's class; the view calls
    ``open_on`` when showing the row and ``edited_meanwhile`` before saving."""

    opened_version = HiddenField()

    def version_of(self, row) -> str:
        """The row's version; a form whose row moves for other reasons (a thread, with each reply)
        names the moment of the change it edits instead."""
        return row.updated_at.isoformat() if row.updated_at else ""

    def open_on(self, row) -> None:
        self.opened_version.data, self.opened_version.raw_data = self.version_of(row), None

    def edited_meanwhile(self, row) -> bool:
        """True, with the reason flashed, when ``row`` changed since the form was opened; the form
        then carries the current version, so that saving again (knowingly) goes through. A post
        without a version (an old page, a script) is not refused."""
        posted = self.opened_version.data
        if not posted or posted == self.version_of(row) or self._sent_already():
            return False
        flash(_("Cette fiche a été modifiée depuis l'ouverture de ce formulaire (par un·e collègue, ou par vous "
                "ailleurs) : rien n'est enregistré. Vos saisies sont conservées ci-dessous ; ouvrez la page dans un "
                "autre onglet pour voir la version actuelle, reprenez ce qui a changé, puis enregistrez à nouveau."),
              "error")
        self.open_on(row)
        return True

    def _sent_already(self) -> bool:
        """The same page sent again (a form also SubmittedOnce): the row changed by its first
        sending, which attempt() then names for what it is rather than as a colleague's change."""
        token = getattr(getattr(self, "submission", None), "data", None) or ""
        return bool(SUBMISSION_TOKEN.fullmatch(token)) and db.session.get(FormSubmission, token) is not None


class FormSubmission(db.Model):
    """The token of a form sent and saved (SubmittedOnce), kept a day."""

    __tablename__ = "form_submission"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    # Where its first sending was sent next (the path of the redirect: the reply, the new event),
    # "" when it was answered with a page; None while that sending is still being answered.
    location: Mapped[str | None] = mapped_column(String(500))


logger = logging.getLogger(__name__)
SUBMISSION_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
SUBMISSIONS_KEPT = timedelta(days=1)
# How long a second sending waits for the first one's answer (a double click: both come within
# a second; the first commits before the second can insert the same token).
FIRST_ANSWER_WAIT = 3.0


class SubmittedOnce:
    """A form whose work must not be done twice when it is sent twice: a double click without
    JavaScript (site.js already holds a form while its answer comes), a browser or a proxy sending
    a post again. Each page of the form carries a random token (a page fetched again, as the back
    button does with pages the site never lets be cached, is a new form); attempt()
    (core/transactions.py) records it in the transaction of the change, and a second sending of
    the same token does nothing, whoever comes second of two at the same instant (the token is
    the table's primary key): it leads where the first went (SentAlready). A refused change rolls
    the token back with it: the form, corrected, goes."""

    submission = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.submission.data:
            self.submission.data = secrets.token_urlsafe(24)

    def record_submission(self) -> None:
        token = self.submission.data or ""
        if not SUBMISSION_TOKEN.fullmatch(token):
            return  # an old page, a script: nothing to compare with
        db.session.execute(delete(FormSubmission).where(FormSubmission.created_at < utcnow() - SUBMISSIONS_KEPT))
        db.session.add(FormSubmission(token=token, created_at=utcnow()))
        try:
            db.session.flush()
        except IntegrityError:
            # No savepoint (with SQLite's driver, releasing one commits): attempt() rolls back.
            raise SentAlready(token) from None
        g.form_submission = token  # where the answer sends the user is noted after the request


class SentAlready(Refusal):
    """The second sending of a form: the user is sent where the first one went (the reply posted,
    the event created), told it was saved once; with nowhere to go, the form is shown again."""

    def __init__(self, token: str):
        super().__init__(_("Ce formulaire vient déjà d'être envoyé (double clic, ou page envoyée de nouveau) : "
                           "il n'est pas enregistré une seconde fois."))
        self.token = token

    def answer(self):
        location = self._first_answer()
        if not location:
            return None
        flash(_("Ce formulaire avait déjà été envoyé (double clic, ou page envoyée de nouveau) : il n'est "
                "enregistré qu'une fois, le voici."), "info")
        return redirect(location)

    def _first_answer(self) -> str | None:
        deadline = time.monotonic() + FIRST_ANSWER_WAIT
        while True:
            location = db.session.scalar(select(FormSubmission.location).where(FormSubmission.token == self.token))
            db.session.rollback()  # the next look sees the first sending's answer once it is written
            if location is not None or time.monotonic() > deadline:
                return location
            time.sleep(0.05)


def note_first_answer(response):
    """After a request that recorded a form's token: note where its answer sends the user, for a
    second sending of the same form (SentAlready). Written on its own connection: the request's
    transaction is over (committed by attempt(), or rolled back with the token)."""
    token = g.pop("form_submission", None)
    if token is not None:
        location = response.location if response.status_code in (301, 302, 303) else None
        same_site = location is not None and location.startswith("/") and not location.startswith("//")
        try:
            with db.engine.begin() as connection:
                connection.execute(update(FormSubmission).where(FormSubmission.token == token)
                                   .values(location=location if same_site else ""))
        except SQLAlchemyError:
            # The change is saved and this answer must reach the user (the database may have gone
            # away since: core/errors says so); a second sending will then be refused, not led.
            logger.warning("where a form's answer leads was not noted", exc_info=True)
    return response


def init_app(app) -> None:
    app.after_request(note_first_answer)



class SubForm(_WTForm):
    """The base of a row repeated inside a form (FieldList of FormField): no CSRF token of its own."""

    class Meta(_OneLineFields):
        pass


class DecimalCommaField(StringField):
    """A decimal number typed the French way ("0,8") or with a point ("0.8"). ``data`` is a float,
    or None when left empty; a refused value comes back as typed, with a French message."""

    _NUMBER = re.compile(r"^\d{1,9}(?:[.,]\d{1,6})?$")

    def __init__(self, label=None, validators=None, *, minimum: float | None = None,
                 maximum: float | None = None, **kwargs):
        kwargs.setdefault("render_kw", {}).setdefault("inputmode", "decimal")
        super().__init__(label, validators, filters=[strip], **kwargs)
        self.minimum, self.maximum = minimum, maximum

    def process_formdata(self, valuelist):
        self.typed = valuelist[0].strip() if valuelist else ""
        self.data = None
        if self.typed:
            compact = self.typed.replace("\u202f", "").replace("\u00a0", "").replace(" ", "")
            if not self._NUMBER.match(compact):
                raise ValueError(_l("Indiquez un nombre, par exemple 0,8."))
            self.data = float(compact.replace(",", "."))

    def pre_validate(self, form):
        if self.data is None or self.process_errors:
            return
        if (self.minimum is not None and self.data < self.minimum) or (self.maximum is not None and self.data > self.maximum):
            raise StopValidation(_l("Indiquez un nombre entre %(min)s et %(max)s.",
                                    min=format_decimal(self.minimum), max=format_decimal(self.maximum)))

    def _value(self) -> str:
        if getattr(self, "typed", None) is not None:
            return self.typed
        return format_decimal(self.data) if self.data is not None else ""
