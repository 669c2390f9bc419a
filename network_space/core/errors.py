"""French error pages (HTML) and JSON errors for JSON clients."""
from __future__ import annotations

from flask import render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from network_space.extensions import db

MESSAGES = {
    400: (_l("Requête invalide"), _l("La demande n'a pas pu être comprise.")),
    403: (_l("Accès refusé"), _l("Vous n'avez pas les droits nécessaires pour voir cette page.")),
    404: (_l("Page introuvable"), _l("Cette page n'existe pas ou plus.")),
    405: (_l("Méthode non autorisée"), _l("Cette action n'est pas possible ici.")),
    413: (_l("Fichier trop volumineux"), _l("Le fichier envoyé dépasse la taille autorisée.")),
    429: (_l("Trop de tentatives"), _l("Merci de patienter quelques minutes avant de réessayer.")),
    500: (_l("Erreur du serveur"), _l("Une erreur inattendue s'est produite. L'équipe a été prévenue.")),
}


def render_error(code: int, description: str | None = None):
    title, default = MESSAGES.get(code, MESSAGES[500] if code >= 500 else MESSAGES[400])
    return render_template("errors/error.html", code=code, title=title, message=description or default), code


# Never shown back: secrets and the token itself.
_HIDDEN_FIELDS = ("csrf_token", "password", "mot_de_passe", "token")
# The names the site's forms give their text fields; any other shows as its name.
_FIELD_LABELS = {
    "title": _l("Titre"), "summary": _l("Résumé"), "body": _l("Texte"), "text": _l("Texte"),
    "description": _l("Description"), "tags": _l("Mots-clés"), "message": _l("Message"), "subject": _l("Objet"),
    "name": _l("Nom"), "url": _l("Adresse du lien"), "place": _l("Lieu"), "reason": _l("Motif"),
    "note": _l("Note"), "version_note": _l("Note de version"), "bio": _l("Présentation"),
}


def typed_fields() -> list[tuple[str, str]]:
    """(label, value) of the text a refused form carried: the site's text fields, and any other
    field holding several words; not secrets, nor choices of a list (ids, single words)."""
    if request.method != "POST":
        return []
    return [(_FIELD_LABELS.get(name, name), value) for name, value in request.form.items(multi=True)
            if value.strip() and (name in _FIELD_LABELS or len(value.split()) > 1)
            and not any(hidden in name.lower() for hidden in _HIDDEN_FIELDS)]


def _same_site_referrer() -> str | None:
    """The page the form was sent from, when it is one of this site's."""
    referrer = request.referrer or ""
    return referrer if referrer.startswith(request.host_url) else None


def init_app(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        # Nothing was done with the form; what the person typed is shown back for copying, so
        # that a session lost meanwhile (logged out in another tab, expired) loses no text.
        return render_template(
            "errors/error.html", code=400, title=_l("Formulaire non enregistré"), typed=typed_fields(),
            back=_same_site_referrer(),
            message=_l("Le formulaire a expiré ou n'est pas valide : rien n'a été enregistré. Rechargez la "
                       "page du formulaire et renvoyez-le."),
        ), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        return render_error(error.code)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        app.logger.exception("Unhandled exception")
        db.session.rollback()
        if app.config["TESTING"] and app.config["PROPAGATE_TEST_ERRORS"]:
            raise error
        return render_error(500)
