"""Members, structures, territories, invitations, login, member directory, admin."""
from __future__ import annotations


def init_app(app) -> None:
    from network_space.accounts import models  # noqa: F401
    from network_space.accounts.views import bp

    app.register_blueprint(bp)
