"""The coverage page (/reports/coverage): thin, the figures are reports/coverage.py's."""
from __future__ import annotations

from flask import render_template
from flask_login import login_required

from network_space.accounts.models import SECTOR_LABELS
from network_space.core.i18n import lazy_gettext as _l
from network_space.core.permissions import require
from network_space.reports import coverage as coverage_data
from network_space.reports.coverage_map import tiles
from network_space.reports.views import bp

STATE_LABELS = {
    coverage_data.COVERED: _l("Couvert"),
    coverage_data.UNCOVERED: _l("Non couvert"),
    coverage_data.ABSENT: _l("Absent du site"),
}


@bp.route("/coverage")
@login_required
def coverage():
    require("reports.view_coverage")
    result = coverage_data.compute()
    map_tiles, width, height = tiles(result)
    return render_template("reports/coverage.html", coverage=result, tiles=map_tiles, map_width=width,
                           map_height=height, states=STATE_LABELS, sectors=SECTOR_LABELS,
                           COVERED=coverage_data.COVERED, UNCOVERED=coverage_data.UNCOVERED,
                           ABSENT=coverage_data.ABSENT)
