from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from flask_login import current_user, login_required
from sqlalchemy import text

from network_space.core.dashboard import panels_for
from network_space.core.outbox import STATUS_FAILED, OutboxMessage, backlog
from network_space.extensions import db

bp = Blueprint("core", __name__)


@bp.route("/")
@login_required
def dashboard():
    return render_template("core/dashboard.html", panels=panels_for(current_user))


@bp.route("/healthz")
def healthz():
    """For monitoring: database reachable and outbox backlog. Public on purpose, no secrets."""
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
        pending = backlog()
        failed = db.session.scalar(
            db.select(db.func.count(OutboxMessage.id)).where(OutboxMessage.status == STATUS_FAILED)
        )
    except Exception:  # noqa: BLE001 - health must answer, whatever the database does
        db.session.rollback()
        database, pending, failed = "error", None, None
    status = 200 if database == "ok" else 503
    return jsonify(status="ok" if status == 200 else "error", database=database,
                   outbox={"pending": pending, "failed": failed}), status
