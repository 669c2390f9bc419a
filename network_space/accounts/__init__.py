"""Members, structures, territories, invitations, login, member directory, admin."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l


def init_app(app) -> None:
    from network_space.accounts import models  # noqa: F401
    from network_space.accounts import permissions, search  # noqa: F401 - registers the rules
    from network_space.accounts.admin import bp as admin_bp
    from network_space.accounts.cli import create_admin_command
    from network_space.accounts.services import PASSWORD_CHANGED, purge_login_attempts
    from network_space.accounts.views import bp
    from network_space.core.navigation import add_nav_item
    from network_space.core.worker import worker_task
    from network_space.notifications.registry import register_kind

    search.register()
    app.register_blueprint(bp)
    app.register_blueprint(admin_bp)
    app.cli.add_command(create_admin_command)
    worker_task("login_attempts_purge")(purge_login_attempts)
    register_kind(PASSWORD_CHANGED, _l("Mot de passe modifié"), "security")
    add_nav_item("accounts.directory", _l("Membres"), 80, "members.view", prefix="/members/")
    add_nav_item("admin.members", _l("Administration"), 900, "admin", prefix="/admin/")
