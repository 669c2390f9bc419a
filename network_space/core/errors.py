"""French error pages, and what a failure must never do: lose a saved change, or fail itself.

- An unexpected exception in a request that already committed its change (a POST whose redirect
  needs the database again while it restarts, say) is answered with "your change is saved",
  not an error page: the member would post it again.
- The 500 page renders without the database: when the usual layout cannot be rendered, the page
  comes without what needs it (the member's menu and notifications), in French.
- A database out of reach (restarting, unreachable) is a 503 "try again in a moment", with what a
  form carried shown back for copying, not an unexpected error.
"""
from __future__ import annotations

from flask import g, has_app_context, redirect, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy import event
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from network_space.core.i18n import lazy_gettext as _l
from network_space.extensions import db, login_manager

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


def _page_of_action(app) -> str | None:
    """The page an action's address belongs to (/discussions/15/repondre -> /discussions/15): a
    form refused is shown again at the address it was posted to, and that address, reloaded later
    or kept in the history, is then opened with GET. None when no page is nearer than the home."""
    adapter = app.url_map.bind_to_environ(request.environ)
    path = request.path.rstrip("/")
    while path.count("/") > 1:
        path = path.rsplit("/", 1)[0]
        try:
            adapter.match(path, method="GET")
        except HTTPException:
            continue
        return request.script_root + path
    return None


def _note_commit(session) -> None:
    if has_app_context():
        g.change_committed = True


def _render_without_database(template: str, status: int, **context):
    """Render a page that needs nothing from the database: rendered as for a visitor, so the
    layout leaves out the member's menu and notifications (Flask-Login loads the member for
    every template, from the database; setting its per-request user, g._login_user, is the one
    way to say "no member here" without logging them out)."""
    g._login_user = login_manager.anonymous_user()
    return render_template(template, **context), status


def init_app(app) -> None:
    if not event.contains(db.session, "after_commit", _note_commit):
        event.listen(db.session, "after_commit", _note_commit)

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
        if error.code == 405 and request.method in ("GET", "HEAD"):
            page = _page_of_action(app)
            if page is not None:
                return redirect(page, 303)
        return render_error(error.code)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        app.logger.exception("Unhandled exception")
        try:
            db.session.rollback()
        except Exception:  # noqa: BLE001 - the database may be what failed; the page is still due
            app.logger.exception("rollback after the error failed")
        if app.config["TESTING"] and app.config["PROPAGATE_TEST_ERRORS"]:
            raise error
        if g.get("change_committed") and request.method != "GET":
            # The change is in the database; only what came after (the next page) failed.
            return _render_without_database("errors/saved.html", 200, back=_same_site_referrer())
        if isinstance(error, (OperationalError, InterfaceError)):
            # The database restarts or is out of reach: nothing was saved; a moment later it will
            # be. Said so, with what a form carried shown back for copying.
            page, status = _render_without_database(
                "errors/error.html", 503, code=503, title=_l("Site momentanément indisponible"),
                message=_l("La base de données ne répond pas : rien n'a été enregistré. Réessayez dans un instant."),
                typed=typed_fields(), back=_same_site_referrer())
            return page, status, {"Retry-After": "30"}
        try:
            return render_error(500)
        except Exception:  # noqa: BLE001 - the layout needs the database, which may be down
            app.logger.exception("the error page failed; rendered without the database")
            title, message = MESSAGES[500]
            return _render_without_database("errors/error.html", 500, code=500, title=title, message=message)
