"""The departmental report (bilan départemental) and the network's own figures: coverage of the
territory (coverage.py) and the co-animation's activity report (activity.py)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l


def init_app(app) -> None:
    from network_space.core.navigation import add_nav_item
    from network_space.reports import permissions  # noqa: F401 - registers the rules
    from network_space.reports import views_activity, views_coverage  # noqa: F401 - their routes
    from network_space.reports.views import bp

    app.register_blueprint(bp)
    add_nav_item("reports.coverage", _l("Bilan"), 60, "reports.view_coverage", prefix="/reports")
