"""The event kinds' administration page (admins): add, rename, delete."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from network_space.core.permissions import require
from network_space.core.transactions import attempt
from network_space.events import kinds as kinds_services
from network_space.events import queries
from network_space.events.forms import KindForm
from network_space.events.models import EventKind
from network_space.events.views import bp
from network_space.extensions import db


def _kinds_page(form: KindForm, renamed: EventKind | None = None, rename_form: KindForm | None = None):
    """The list with the add form; a refused rename comes back in its own row with what was typed."""
    return render_template("events/kinds.html", form=form, kinds=queries.kinds_for_admin(),
                           renamed_id=renamed.id if renamed else None, rename_form=rename_form)


@bp.route("/events/types", methods=["GET", "POST"])
@login_required
def kinds():
    require("events.kinds")
    form = KindForm()
    if form.validate_on_submit() and attempt(lambda: kinds_services.add_kind(form.label.data, current_user),
                                             _("Type d'événement ajouté."), form=form):
        return redirect(url_for("events.kinds"))
    return _kinds_page(form)


@bp.route("/events/types/<int:kind_id>", methods=["POST"])
@login_required
def kind_rename(kind_id: int):
    require("events.kinds")
    kind = db.session.get(EventKind, kind_id) or abort(404)
    rename_form = KindForm()
    if rename_form.validate_on_submit() and attempt(
            lambda: kinds_services.rename_kind(kind, rename_form.label.data, current_user),
            _("Type d'événement renommé."), form=rename_form):
        return redirect(url_for("events.kinds"))
    flash(_("Le type n'a pas été renommé : corrigez le nom signalé dans la liste."), "error")
    return _kinds_page(KindForm(formdata=None), kind, rename_form)


@bp.route("/events/types/<int:kind_id>/supprimer", methods=["POST"])
@login_required
def kind_delete(kind_id: int):
    require("events.kinds")
    kind = db.session.get(EventKind, kind_id) or abort(404)
    label = kind.label
    attempt(lambda: kinds_services.delete_kind(kind, current_user),
            _("Type d'événement « %(label)s » supprimé.", label=label))
    return redirect(url_for("events.kinds"))
