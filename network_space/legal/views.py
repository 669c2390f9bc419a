"""The legal pages, public; their edit, for admins."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from network_space.core.permissions import require
from network_space.core.privacy import entries
from network_space.core.transactions import attempt
from network_space.legal import services
from network_space.legal.forms import LegalPageForm

bp = Blueprint("legal", __name__)


def _page(slug: str, **context):
    spec = services.PAGES[slug]
    page = services.stored(slug)
    text = page.body if page is not None else services.default_text(slug)
    return render_template("legal/page.html", spec=spec, text=text, page=page,
                           placeholders=services.placeholders_left(text), **context)


@bp.route("/mentions-legales")
def legal_notice():
    return _page(services.LEGAL_NOTICE)


@bp.route("/donnees-personnelles")
def personal_data():
    return _page(services.PERSONAL_DATA, processing=entries())


@bp.route("/accessibilite")
def accessibility():
    return _page(services.ACCESSIBILITY)


_SLUGS = ", ".join(f'"{slug}"' for slug in services.PAGES)


@bp.route(f"/admin/pages/<any({_SLUGS}):slug>", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    require("admin")
    spec = services.PAGES[slug]
    # The second form of the page (CSRF already checked for every POST by CSRFProtect).
    if request.method == "POST" and request.form.get("reset") == "1":
        attempt(lambda: services.reset_page(slug, current_user), _("Le texte proposé par défaut est rétabli."))
        return redirect(url_for(spec.endpoint))
    form = LegalPageForm(data={"body": services.current_text(slug)} if request.method == "GET" else None)
    if form.validate_on_submit():
        attempt(lambda: services.save_page(slug, form.body.data, current_user),
                _("Page « %(title)s » enregistrée.", title=spec.title))
        return redirect(url_for(spec.endpoint))
    return render_template("legal/edit.html", spec=spec, form=form, page=services.stored(slug), pages=services.PAGES)
