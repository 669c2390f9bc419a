"""The reports' pages. Each part's routes live in its own module on this blueprint
(views_coverage.py, views_activity.py)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")
