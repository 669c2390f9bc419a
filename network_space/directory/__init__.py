"""Partner directory: disability-sector partners, buyers and insertion structures."""
from __future__ import annotations

from network_space.core.i18n import lazy_gettext as _l


def init_app(app) -> None:
    from network_space.core.navigation import add_nav_item
    from network_space.directory import models, permissions, privacy, search  # noqa: F401
    from network_space.directory.siret import format_siret
    from network_space.directory.views import bp
    from network_space.notifications.registry import register_kind, register_target

    register_target(models.Organisation, permission="directory.view", followed_as=_l("Partenaires de l'annuaire"))
    register_kind("directory.new_organisation", _l("Nouvelle organisation dans l'annuaire"), "directory")
    register_kind("directory.updated", _l("Organisation mise à jour"), "directory")
    search.register()
    privacy.register()
    app.register_blueprint(bp)
    app.jinja_env.filters["siret"] = format_siret
    add_nav_item("directory.index", _l("Annuaire des partenaires"), order=50, permission="directory.view",
                 prefix="/directory")
