from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from network_space.core.dates import paris_today
from network_space.core.pagination import paginate
from network_space.core.statements import values
from network_space.core.transactions import attempt
from network_space.core.urls import is_safe_next
from network_space.extensions import csrf, db
from network_space.notifications import queries, services
from network_space.notifications.registry import (
    CATEGORIES,
    CHANNEL_LABELS,
    CHANNELS,
    DIGEST_CHANNELS,
    kind_label,
    mandatory_kinds,
    may_view_target,
    member_model,
    target_type_of,
    user_categories,
)

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


def _back(default: str):
    target = request.form.get("next") or request.args.get("next")
    return redirect(target if is_safe_next(target) else default)


# --- notification centre ------------------------------------------------------------------------

@bp.route("/")
@login_required
def index():
    page = paginate(queries.notifications_of(), per_page=30, values=values(current_user))
    today = paris_today()
    return render_template(
        "notifications/index.html",
        page=page,
        days=queries.by_day(page.items),
        missing=queries.missing_targets(page.items),
        today=today,
        yesterday=today - timedelta(days=1),
    )


@bp.route("/<int:notification_id>")
@login_required
def open_notification(notification_id: int):
    """Follow a notification's link, marking it read; a deleted target gets a message, not a 404."""
    notification = attempt(lambda: services.mark_read(current_user, notification_id)).value
    if notification is None:
        abort(404)
    if notification.id in queries.missing_targets([notification]) or not notification.url:
        flash(_("Cet élément n'existe plus."), "info")
        return redirect(url_for("notifications.index"))
    return redirect(notification.url if is_safe_next(notification.url) else url_for("notifications.index"))


@bp.route("/<int:notification_id>/lu", methods=["POST"])
@login_required
def mark_read(notification_id: int):
    if attempt(lambda: services.mark_read(current_user, notification_id)).value is None:
        abort(404)
    return _back(url_for("notifications.index"))


@bp.route("/tout-lu", methods=["POST"])
@login_required
def mark_all_read():
    attempt(lambda: services.mark_all_read(current_user),
            lambda count: _("Toutes les notifications sont marquées comme lues.") if count
            else _("Aucune notification non lue."))
    return _back(url_for("notifications.index"))


# --- preferences ------------------------------------------------------------------------------

@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    categories = user_categories()
    errors: dict[str, str] = {}
    if request.method == "POST":
        chosen = {}
        for category in categories:
            value = request.form.get(category.name, "")
            if value not in CHANNELS:
                errors[category.name] = _("Choisissez une option pour « %(category)s ».", category=category.label)
            chosen[category.name] = value
        if not errors and attempt(lambda: services.set_preferences(current_user, chosen),
                                  _("Vos préférences de notification sont enregistrées.")):
            return redirect(url_for("notifications.settings"))
        current = {**services.get_preferences(current_user), **{k: v for k, v in chosen.items() if v in CHANNELS}}
        status = 400
    else:
        current = services.get_preferences(current_user)
        status = 200
    return render_template(
        "notifications/settings.html",
        categories=categories,
        channels=CHANNELS,
        channel_labels=CHANNEL_LABELS,
        current=current,
        errors=errors,
        mandatory=[c for c in CATEGORIES.values() if c.mandatory],
        mandatory_kinds=mandatory_kinds,
        followed=queries.followed_by(current_user),
    ), status


# --- one-click unsubscribe: no login, no CSRF token (RFC 8058 POSTs come from mail clients) ----

def _scope_label(scope: str) -> str:
    if scope.startswith(services.DIGEST_SCOPE_PREFIX):
        frequency = scope[len(services.DIGEST_SCOPE_PREFIX):]
        return CHANNEL_LABELS[frequency] if frequency in DIGEST_CHANNELS else scope
    return CATEGORIES[scope].label


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str):
    data = services.read_unsubscribe_token(token)
    user = db.session.get(member_model(), data[0]) if data else None
    if user is None:
        return render_template("notifications/unsubscribe_invalid.html"), 400
    scope = data[1]
    context = {"token": token, "scope": scope, "label": _scope_label(scope),
               "is_digest": scope.startswith(services.DIGEST_SCOPE_PREFIX), "user": user}
    if request.method == "POST" and attempt(lambda: services.unsubscribe(user, scope)):
        return render_template("notifications/unsubscribe.html", done=True, **context)
    return render_template("notifications/unsubscribe.html", done=False, **context)


# --- following --------------------------------------------------------------------------------

def _followed_target(target_type: str, target_id: int):
    obj = services.load_target(target_type, target_id)
    # What one may not view does not exist, as on its own page: neither its title nor its
    # existence shows through the follow button.
    if obj is None or not may_view_target(current_user, obj):
        abort(404)
    return obj


@bp.route("/suivre/<target_type>/<int:target_id>", methods=["POST"])
@login_required
def follow(target_type: str, target_id: int):
    obj = _followed_target(target_type, target_id)
    title = obj.notification_title()
    attempt(lambda: services.follow(current_user, obj),
            _("Vous suivez « %(title)s » : vous serez notifié·e de ses nouveautés.", title=title))
    return _back(obj.notification_url())


@bp.route("/ne-plus-suivre/<target_type>/<int:target_id>", methods=["POST"])
@login_required
def unfollow(target_type: str, target_id: int):
    obj = _followed_target(target_type, target_id)
    title = obj.notification_title()
    attempt(lambda: services.unfollow(current_user, obj), _("Vous ne suivez plus « %(title)s ».", title=title))
    return _back(obj.notification_url())


def init_templates(app) -> None:
    def follow_state(obj) -> dict:
        return {"type": target_type_of(obj), "id": obj.id, "following": services.is_following(current_user, obj)}

    app.jinja_env.globals["unread_notification_count"] = queries.current_unread_count
    app.jinja_env.globals["follow_state"] = follow_state
    app.jinja_env.globals["message_kind_label"] = kind_label
