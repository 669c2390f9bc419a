"""A member's own calendar: their registrations, the kinds and territories they follow, and their
personal subscription feed (its secret address, its content, the .ics calendar applications poll)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from network_space.accounts.queries import active_territories
from network_space.core.models import utcnow
from network_space.core.permissions import require
from network_space.core.transactions import attempt
from network_space.events import feeds, ical, queries, services
from network_space.events.forms import FeedForm, FollowForm
from network_space.events.models import FEED_SCOPES, Event, Registration
from network_space.events.views import bp, ics_response
from network_space.extensions import db


@bp.route("/events/mon-agenda", methods=["GET"])
@login_required
def my_calendar():
    require("events.view")
    mine = db.session.scalars(
        select(Registration).join(Registration.event)
        .where(Registration.user_id == current_user.id, Event.ends_at > utcnow())
        .order_by(Event.starts_at)
    ).all()
    feed = feeds.feed_of(current_user)
    token = session.pop("calendar_feed_token", None)
    form = FeedForm(scope=feed.scope if feed else None)
    feed_url = url_for("events.feed", token=token, _external=True) if token and feed else None
    kind_ids, territory_ids = services.followed_kinds_and_territories(current_user)
    kinds = queries.event_kinds()
    follow_form = FollowForm(kinds=kinds, territories=active_territories(), data={
        "all_kinds": len(kind_ids) == len(kinds), "kind_ids": sorted(kind_ids), "territory_ids": sorted(territory_ids)})
    return render_template("events/my_calendar.html", registrations=mine, feed=feed, feed_url=feed_url,
                           webcal_url=feed_url and "webcal://" + feed_url.split("://", 1)[1],
                           form=form, scopes=FEED_SCOPES, follow_form=follow_form)


@bp.route("/events/mon-agenda/suivis", methods=["POST"])
@login_required
def follows():
    require("events.view")
    form = FollowForm(kinds=queries.event_kinds(), territories=active_territories())
    if not form.validate_on_submit():
        flash(_("Choix invalide : rechargez la page et réessayez."), "error")
    else:
        attempt(lambda: services.set_followed_kinds_and_territories(current_user, form.chosen_kind_ids(),
                                                                    form.territory_ids.data or []),
                _("Vos choix sont enregistrés."))
    return redirect(url_for("events.my_calendar") + "#suivis")


@bp.route("/events/mon-agenda/abonnement", methods=["POST"])
@login_required
def feed_new():
    require("events.view")
    form = FeedForm()
    if not form.validate_on_submit():
        abort(400)
    replaced = feeds.feed_of(current_user) is not None
    created = attempt(lambda: feeds.new_feed_token(current_user, form.scope.data),
                      _("Votre nouvelle adresse d'abonnement est prête. L'ancienne ne fonctionne plus.") if replaced
                      else _("Votre adresse d'abonnement est prête."))
    session["calendar_feed_token"] = created.value
    return redirect(url_for("events.my_calendar") + "#abonnement")


@bp.route("/events/mon-agenda/abonnement/contenu", methods=["POST"])
@login_required
def feed_scope():
    require("events.view")
    form = FeedForm()
    if not form.validate_on_submit():
        abort(400)
    attempt(lambda: feeds.set_feed_scope(current_user, form.scope.data),
            _("Le contenu de votre agenda est mis à jour."))
    return redirect(url_for("events.my_calendar") + "#abonnement")


@bp.route("/events/mon-agenda/abonnement/revoquer", methods=["POST"])
@login_required
def feed_revoke():
    require("events.view")
    attempt(lambda: feeds.revoke_feed(current_user),
            _("L'adresse d'abonnement est supprimée : les agendas abonnés ne se mettront plus à jour."))
    return redirect(url_for("events.my_calendar") + "#abonnement")


@bp.route("/calendar/<token>.ics")
def feed(token: str):
    """Public on purpose: calendar applications cannot log in. The secret token is the key."""
    feed = feeds.feed_for_token(token)
    if feed is None:
        abort(404)
    body = ical.feed_calendar(feed.user, feed.scope)
    attempt(lambda: feeds.mark_feed_used(feed))
    response = ics_response(body, "agenda.ics")
    response.headers["Content-Disposition"] = 'inline; filename="agenda.ics"'
    return response
