"""Every one-line field of every form of the site refuses line breaks and control characters: a
title or a subject with a line break would become a header of an email (Flask-Mail then refuses
the whole message) or a line of an iCalendar file. Multi-line fields (TextAreaField) keep them.

Generic: every form class of network_space is found by importing the whole package; a new form
is covered without touching this file."""
from __future__ import annotations

import importlib
import pkgutil

import pytest
import wtforms
from werkzeug.datastructures import MultiDict
from wtforms import FieldList, FormField, TextAreaField

import network_space
from network_space.core.forms import Form, SubForm, is_one_line

HOSTILE = ["Réunion plénière\r\nBcc: tous@example.org", "Titre\nsur deux lignes", "Titre\rretour",
           "Titre\twith a tab", "Titre\x00nul", "Titre\u2028séparé", "Titre\x85NEL", "Titre \u202eesrevni"]
MESSAGE = "Ce champ tient sur une ligne"


def _site_forms() -> list[type]:
    for module in pkgutil.walk_packages(network_space.__path__, "network_space."):
        importlib.import_module(module.name)
    found, pending = [], list(wtforms.Form.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith("network_space.") and cls not in (Form, SubForm):
            found.append(cls)
    return sorted(set(found), key=lambda c: (c.__module__, c.__name__))


FORMS = _site_forms()


def _fields(form):
    """Every field of a form instance, the rows of FieldList(FormField(…)) included."""
    for field in form:
        if isinstance(field, FieldList):
            for entry in field.entries:
                yield from _fields(entry.form) if isinstance(entry, FormField) else [entry]
        elif isinstance(field, FormField):
            yield from _fields(field.form)
        else:
            yield field


def _validate(field, form) -> list[str]:
    field.errors = []
    field.validate(form)
    return [str(e) for e in field.errors]


def test_the_sweep_finds_the_forms_of_the_site():
    names = {f"{cls.__module__}.{cls.__name__}" for cls in FORMS}
    assert {"network_space.events.forms.EventForm", "network_space.directory.forms.ContactForm",
            "network_space.accounts.forms.ProfileForm"} <= names
    assert len(FORMS) > 30


@pytest.mark.parametrize("form_class", FORMS, ids=lambda cls: f"{cls.__module__.split('.')[1]}.{cls.__name__}")
def test_every_one_line_field_refuses_line_breaks(app, form_class):
    assert issubclass(form_class, (Form, SubForm)), "derive the form from core.forms.Form (or SubForm for a row)"
    with app.test_request_context("/", method="POST"):
        names = [f.name for f in _fields(form_class(formdata=None))]
    for value in HOSTILE:
        with app.test_request_context("/", method="POST", data={}):
            form = form_class(formdata=MultiDict({name: value for name in names}))
            for field in _fields(form):
                if is_one_line(field):
                    assert any(MESSAGE in e for e in _validate(field, form)), (field.name, value)
                elif isinstance(field, TextAreaField):
                    assert not any(MESSAGE in e for e in _validate(field, form)), field.name
    # Zero-width characters alone are refused: they would make an invisible title.
    with app.test_request_context("/", method="POST", data={}):
        form = form_class(formdata=MultiDict({name: "\u200b\u200b" for name in names}))
        for field in _fields(form):
            if is_one_line(field):
                assert any("que des caractères invisibles" in e for e in _validate(field, form)), field.name
    # Ordinary French text passes, an emoji made of several joined ones too.
    with app.test_request_context("/", method="POST", data={}):
        form = form_class(formdata=MultiDict({name: "Clause d'insertion « BTP » – l'Isère 👩\u200d🔧" for name in names}))
        for field in _fields(form):
            if is_one_line(field):
                errors = _validate(field, form)
                assert not any(MESSAGE in e or "invisibles : tapez" in e for e in errors), field.name


def test_a_title_with_a_line_break_is_refused_with_what_was_typed(client, login_as):
    from tests.helpers import csrf_token

    login_as("coanimator")
    token = csrf_token(client.get("/annonces/nouvelle").get_data(as_text=True))
    response = client.post("/annonces/nouvelle", data={"csrf_token": token, "audience": "all",
                                                       "title": "Plénière\r\nBcc: tous@example.org",
                                                       "body": "Ligne 1\r\nLigne 2"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and MESSAGE in html
    assert "Ligne 1\r\nLigne 2" in html or "Ligne 1\nLigne 2" in html  # the message is kept
