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


def init_app(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, _l("Le formulaire a expiré ou n'est pas valide. Rechargez la page et réessayez."))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        return render_error(error.code)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        app.logger.exception("Unhandled exception")
        db.session.rollback()
        if app.config.get("TESTING") and app.config.get("PROPAGATE_TEST_ERRORS", True):
            raise error
        return render_error(500)
