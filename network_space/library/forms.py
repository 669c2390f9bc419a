"""Library forms. The file itself is checked by core.storage (content, size, bombs)."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask_wtf.file import FileField
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Optional, ValidationError

from network_space.core.forms import CheckboxesField, EditedRow, Form, SubmittedOnce, choices, max_length, strip
from network_space.core.http import int_value
from network_space.core.i18n import lazy_gettext as _l
from network_space.core.tags import check_tags, parse_tags
from network_space.library.models import (
    BUYER_TYPES, CLAUSE_MECHANISMS, KIND_FILE, KIND_LABELS, KIND_LINK, KIND_NOTE, VISIBILITY_LABELS,
    VISIBILITY_MEMBERS,
)


def _http_url(form, field):
    if not field.data:
        return
    parts = urlsplit(field.data)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValidationError(_l("Indiquez une adresse complète commençant par https:// ou http://."))


class ResourceForm(SubmittedOnce, EditedRow, Form):
    """Metadata of a resource; the new-resource page adds the kind and the file. ``kind`` is the
    kind of the resource being edited: a link keeps its address, a note its text."""

    def __init__(self, *args, kind: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.resource_kind = kind

    title = StringField(_l("Titre"), filters=[strip], validators=[DataRequired(_l("Indiquez un titre.")), max_length(200)])
    summary = TextAreaField(_l("Résumé"), filters=[strip], validators=[max_length(5000)],
                            description=_l("Markdown accepté : **gras**, listes, liens."))
    category_id = SelectField(_l("Catégorie"), coerce=int, validators=[InputRequired(_l("Choisissez une catégorie."))])
    tags = StringField(_l("Mots-clés"), filters=[strip], validators=[max_length(600), check_tags],
                       description=_l("Séparés par des virgules, par exemple : bailleurs, BTP, insertion."))
    sector_ids = CheckboxesField(_l("Secteurs d'activité"), coerce=int, validators=[Optional()])
    clause_mechanism = SelectField(_l("Mécanisme de clause"),
                                   choices=choices([("", _l("— Non précisé —"))] + list(CLAUSE_MECHANISMS.items())), default="")
    buyer_type = SelectField(_l("Type d'acheteur"), choices=choices([("", _l("— Non précisé —"))] + list(BUYER_TYPES.items())), default="")
    territory_id = SelectField(_l("Territoire"), coerce=int, default=0)
    review_by = DateField(_l("À revoir avant le"), validators=[Optional()],
                          description=_l("Date à laquelle vérifier que la ressource est toujours à jour."))
    visibility = SelectField(_l("Visibilité"), choices=choices(VISIBILITY_LABELS.items()), default=VISIBILITY_MEMBERS)
    url = StringField(_l("Adresse du lien"), filters=[strip], validators=[max_length(500), _http_url])
    body = TextAreaField(_l("Texte de la note"), filters=[strip], validators=[max_length(100_000)],
                         description=_l("Markdown accepté."))

    def chosen_kind(self) -> str | None:
        return self.resource_kind

    def validate_url(self, field):
        if self.chosen_kind() == KIND_LINK and not field.data:
            raise ValidationError(_l("Indiquez l'adresse du lien."))

    def validate_body(self, field):
        if self.chosen_kind() == KIND_NOTE and not field.data:
            raise ValidationError(_l("Écrivez le texte de la note."))

    def validate_category_id(self, field):
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_l("Choisissez une catégorie."))

    def data_dict(self, kind: str) -> dict:
        return {
            "kind": kind,
            "title": self.title.data,
            "summary": self.summary.data,
            "category_id": self.category_id.data,
            "tags": parse_tags(self.tags.data),
            "sector_ids": self.sector_ids.data or [],
            "clause_mechanism": self.clause_mechanism.data,
            "buyer_type": self.buyer_type.data,
            "territory_id": self.territory_id.data or None,
            "review_by": self.review_by.data,
            "visibility": self.visibility.data,
            "url": self.url.data if kind == KIND_LINK else None,
            "body": self.body.data if kind == KIND_NOTE else None,
        }


class NewResourceForm(ResourceForm):
    kind = RadioField(_l("Type de ressource"), choices=choices(KIND_LABELS.items()), default=KIND_FILE,
                      validators=[InputRequired(_l("Choisissez le type de ressource."))])
    file = FileField(_l("Fichier"))
    version_note = StringField(_l("Note de version"), filters=[strip], validators=[max_length(500)])

    def chosen_kind(self) -> str | None:
        return self.kind.data


class VersionForm(SubmittedOnce, Form):
    file = FileField(_l("Nouveau fichier"))
    note = StringField(_l("Ce qui change"), filters=[strip], validators=[max_length(500)])


class CommentForm(SubmittedOnce, Form):
    body = TextAreaField(_l("Votre retour d'expérience"), filters=[strip],
                         validators=[DataRequired(_l("Écrivez votre commentaire.")), max_length(10_000)],
                         description=_l("Markdown accepté."))


class GuideForm(Form):
    resource_id = SelectField(_l("Guide pratique du réseau"), coerce=int_value)


class CategoryForm(Form):
    name = StringField(_l("Nom de la catégorie"), filters=[strip],
                       validators=[DataRequired(_l("Indiquez un nom.")), max_length(120)])
