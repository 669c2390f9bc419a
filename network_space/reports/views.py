"""Pages of the departmental report."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required

from network_space.core.permissions import require

bp = Blueprint("reports", __name__, url_prefix="/reports")


@bp.route("/")
@login_required
def index():
    require("reports.view")
    return render_template("reports/index.html")
