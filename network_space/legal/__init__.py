"""The pages every French public-sector site has: "Mentions légales", "Données personnelles" and
the "Déclaration d'accessibilité" (RGAA). Public (linked from every page's footer), their texts
edited by admins; the personal data page lists what core/privacy.py's registry declares."""
from __future__ import annotations

from flask import current_app

from network_space.core.i18n import lazy_gettext as _l

# The footer's link to the accessibility statement says the conformity status, as the RGAA asks.
ACCESSIBILITY_STATUSES = {
    "non": _l("Accessibilité : non conforme"),
    "partiel": _l("Accessibilité : partiellement conforme"),
    "total": _l("Accessibilité : totalement conforme"),
}


def accessibility_status() -> str:
    return str(ACCESSIBILITY_STATUSES.get(current_app.config["ACCESSIBILITY_STATUS"], ACCESSIBILITY_STATUSES["non"]))


def init_app(app) -> None:
    from network_space.legal import models  # noqa: F401 - the legal_page table
    from network_space.core.audit import register_audit_actions
    from network_space.legal.views import bp

    if app.config["ACCESSIBILITY_STATUS"] not in ACCESSIBILITY_STATUSES:
        raise RuntimeError("ACCESSIBILITY_STATUS must be one of: " + ", ".join(ACCESSIBILITY_STATUSES))
    app.register_blueprint(bp)
    register_audit_actions({"legal_page.updated": _l("Page légale modifiée"),
                            "legal_page.reset": _l("Page légale remise au texte par défaut")})
    app.jinja_env.globals["accessibility_status"] = accessibility_status
