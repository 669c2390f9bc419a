"""Announcement pages: the list, one announcement, and the form co-animators publish with."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_babel import ngettext
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from network_space.accounts.queries import active_territories
from network_space.announcements import queries, services
from network_space.announcements.forms import AnnouncementForm
from network_space.announcements.models import Announcement
from network_space.core.pagination import paginate
from network_space.core.permissions import require
from network_space.core.transactions import attempt
from network_space.extensions import db

bp = Blueprint("announcements", __name__, url_prefix="/annonces")


@bp.route("/")
@login_required
def index():
    return render_template("announcements/index.html", page=paginate(queries.announcements(), per_page=20))


@bp.route("/<int:announcement_id>")
@login_required
def detail(announcement_id: int):
    announcement = db.get_or_404(Announcement, announcement_id)
    return render_template("announcements/detail.html", announcement=announcement)


@bp.route("/nouvelle", methods=["GET", "POST"])
@login_required
def create():
    require("announcement.create")
    form = AnnouncementForm()
    form.territories.choices = [SelectChoice(t.id, t.name_and_sector) for t in active_territories()]
    if form.validate_on_submit():
        published = attempt(
            lambda: services.publish_announcement(current_user, form.title.data, form.body.data, form.audience.data,
                                                  form.territories.data or []),
            lambda announcement: ngettext("Annonce publiée et envoyée à %(num)d membre.",
                                          "Annonce publiée et envoyée à %(num)d membres.", announcement.recipient_count),
            form=form)
        if published:
            return redirect(url_for("announcements.detail", announcement_id=published.value.id))
    return render_template("announcements/form.html", form=form), 400 if form.errors else 200
