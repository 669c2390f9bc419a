"""The email delivery pages for admins (/admin/emails): the outbox, each message as sent, and a
retry for the failed ones."""
from __future__ import annotations

from flask import Blueprint, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import login_required
from sqlalchemy import func, select

from network_space.core.outbox import STATUS_FAILED, STATUS_LABELS, STATUS_PENDING, STATUS_SENT, OutboxMessage
from network_space.core.pagination import paginate
from network_space.core.permissions import require
from network_space.core.transactions import attempt
from network_space.extensions import db
from network_space.notifications import services

bp = Blueprint("email_admin", __name__, url_prefix="/admin/emails")


@bp.before_request
@login_required
def _admins_only():
    require("admin")


@bp.route("")
def index():
    status = request.args.get("status")
    stmt = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    if status in (STATUS_PENDING, STATUS_SENT, STATUS_FAILED):
        stmt = stmt.where(OutboxMessage.status == status)
    else:
        status = None
    counts = dict(db.session.execute(select(OutboxMessage.status, func.count(OutboxMessage.id))
                                     .group_by(OutboxMessage.status)).all())
    return render_template("notifications/admin/emails.html", page=paginate(stmt, per_page=50), status=status,
                           counts=counts, status_labels=STATUS_LABELS)


@bp.route("/<int:message_id>")
def detail(message_id: int):
    return render_template("notifications/admin/email.html", message=db.get_or_404(OutboxMessage, message_id),
                           status_labels=STATUS_LABELS)


# The HTML body is shown in a sandboxed frame served by this route alone: no script can run,
# nothing is loaded from outside, and only this site may frame it.
EMAIL_FRAME_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox; frame-ancestors 'self'"


@bp.route("/<int:message_id>/html")
def html(message_id: int):
    message = db.get_or_404(OutboxMessage, message_id)
    response = make_response(message.html_body)
    response.headers["Content-Type"] = "text/html; charset=utf-8"
    response.headers["Content-Security-Policy"] = EMAIL_FRAME_CSP
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


@bp.route("/retry-failed", methods=["POST"])
def retry_failed():
    attempt(services.retry_failed_emails,
            lambda count: ngettext("%(num)d message sera renvoyé au prochain passage du worker.",
                                   "%(num)d messages seront renvoyés au prochain passage du worker.", count))
    return redirect(url_for("email_admin.index", status=STATUS_PENDING))


@bp.route("/<int:message_id>/retry", methods=["POST"])
def retry(message_id: int):
    message = db.get_or_404(OutboxMessage, message_id)
    attempt(lambda: services.retry_email(message), _("Le message sera renvoyé au prochain passage du worker."))
    return redirect(url_for("email_admin.detail", message_id=message.id))
