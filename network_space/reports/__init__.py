"""The departmental report ("bilan départemental des clauses sociales"): the annual campaign,
indicators per territory and structure, consolidation, charts and exports; the coverage of the
territory (coverage.py) and the co-animation's activity report (activity.py) live beside it."""
from __future__ import annotations

from network_space.core.i18n import lazy_gettext as _l


def init_app(app) -> None:
    from network_space.core.audit import register_audit_actions
    from network_space.core.navigation import add_nav_item
    from network_space.notifications.registry import register_category, register_kind, register_target
    from network_space.reports import models, notices, permissions, privacy  # noqa: F401 - the @rules, the reminder job
    # views.activity and views.coverage: their routes on the blueprint.
    from network_space.reports.views import activity, bp, coverage  # noqa: F401

    app.register_blueprint(bp)
    register_audit_actions({
        "reports.campaign_open": _l("Campagne de bilan ouverte"),
        "reports.campaign_update": _l("Campagne de bilan modifiée"),
        "reports.campaign_close": _l("Campagne de bilan close"),
        "reports.campaign_reopen": _l("Campagne de bilan rouverte"),
        "reports.indicator_add": _l("Indicateur du bilan ajouté"),
        "reports.indicator_update": _l("Indicateur du bilan modifié"),
        "reports.indicator_retire": _l("Indicateur du bilan retiré"),
        "reports.indicator_restore": _l("Indicateur du bilan rétabli"),
        "reports.indicator_move": _l("Indicateur du bilan déplacé"),
        "reports.publish": _l("Bilan départemental publié"),
    })
    add_nav_item("reports.index", _l("Bilan"), order=70, prefix="/reports")
    privacy.register()

    register_target(models.Campaign, permission="reports.view")
    register_target(models.Contribution, permission="reports.contribution.view")
    register_category("reports", _l("Bilan départemental"), "immediate",
                      _l("Campagne annuelle : ouverture, rappels avant l'échéance, contributions renvoyées ou validées"))
    register_kind("report.campaign_opened", _l("Campagne de bilan ouverte"), "reports", email_template="report_campaign")
    register_kind("report.reminder", _l("Rappel : contribution au bilan"), "reports", email_template="report_campaign")
    register_kind("report.submitted", _l("Contribution au bilan envoyée"), "reports", default_channel="daily")
    register_kind("report.returned", _l("Contribution renvoyée pour correction"), "reports",
                  email_template="report_returned")
    register_kind("report.validated", _l("Contribution validée"), "reports")
