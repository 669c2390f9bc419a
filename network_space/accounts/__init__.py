"""Members, structures, territories, invitations, login, member directory, admin."""
from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l


def init_app(app) -> None:
    from network_space.accounts import permissions, privacy, search  # noqa: F401 - permissions: the rules
    from network_space.accounts.admin import bp as admin_bp
    from network_space.accounts.cli import create_admin_command
    from network_space.accounts.models import Territory, User
    from network_space.accounts.services import PASSWORD_CHANGED
    from network_space.accounts.views import bp
    from network_space.core.navigation import add_nav_item
    from network_space.notifications.registry import register_kind, register_member_model, register_target

    search.register()
    privacy.register()
    app.register_blueprint(bp)
    app.register_blueprint(admin_bp)
    app.cli.add_command(create_admin_command)
    register_member_model(User)
    # Members follow a territory (its news: resources, events, partners tagged with it); its page
    # is the member directory filtered on it.
    register_target(Territory, permission="members.view", title=lambda t: t.name,
                    url=lambda t: url_for("accounts.directory", territory=t.id))
    register_kind(PASSWORD_CHANGED, _l("Mot de passe modifié"), "security")
    # Security messages sent with queue_email() directly; declared so that the registry lists
    # every kind of message a member can receive.
    register_kind("account.invitation", _l("Invitation à rejoindre le réseau"), "security", mandatory=True)
    register_kind("account.password_reset", _l("Réinitialisation du mot de passe"), "security", mandatory=True)
    add_nav_item("accounts.directory", _l("Membres"), 80, "members.view", prefix="/members/")
    add_nav_item("admin.members", _l("Administration"), 900, "admin", prefix="/admin/")
