"""The departmental report ("bilan départemental des clauses sociales"): the annual campaign,
indicators per territory and structure, consolidation, charts and exports; the coverage of the
territory and the co-animation's activity report live beside it."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l


def init_app(app) -> None:
    from network_space.core.navigation import add_nav_item
    from network_space.reports import permissions  # noqa: F401 - the @rules
    from network_space.reports.views import bp

    app.register_blueprint(bp)
    add_nav_item("reports.index", _l("Bilan"), order=70, prefix="/reports")
