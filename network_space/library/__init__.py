"""The resource library: files, links and notes shared by the network, searchable inside files."""
from __future__ import annotations

from network_space.core.i18n import lazy_gettext as _l


def init_app(app) -> None:
    from network_space.accounts.welcome import welcome_step
    from network_space.core.dashboard import dashboard_panel
    from network_space.core.audit import register_audit_actions
    from network_space.core.navigation import add_nav_item
    from network_space.library import models, permissions, privacy, queries, search  # noqa: F401 - permissions: the rules
    from network_space.library.views import bp
    from network_space.notifications.registry import register_kind, register_target

    register_target(models.Resource, permission="library.view", followed_as=_l("Ressources de la bibliothèque"))
    register_kind("library.new_resource", _l("Nouvelle ressource"), "library")
    register_kind("library.new_version", _l("Nouvelle version d'une ressource suivie"), "library")
    register_kind("library.comment", _l("Commentaire sur une ressource"), "library", default_channel="immediate")
    search.register()
    register_audit_actions({
        "library.update": _l("Ressource modifiée"), "library.delete": _l("Ressource supprimée"),
        "library.category_add": _l("Catégorie de la bibliothèque ajoutée"),
        "library.category_rename": _l("Catégorie de la bibliothèque renommée"),
        "library.category_enable": _l("Catégorie de la bibliothèque proposée à nouveau"),
        "library.category_disable": _l("Catégorie de la bibliothèque retirée des choix"),
    })
    privacy.register()
    app.register_blueprint(bp)
    add_nav_item("library.index", _l("Bibliothèque"), 30, prefix="/library")
    welcome_step("guide", order=50, ask=queries.guide_for)(queries.guide_step)
    dashboard_panel("library.new_resources", "library/_dashboard_panel.html", order=40)(queries.dashboard_panel)
