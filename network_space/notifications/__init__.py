"""Notifications: notify() (see services.py), the registry of kinds (registry.py), preferences,
follows, digests (digests.py), the in-app centre and the email admin pages (admin.py). The
outbox, the worker and the scheduled jobs they use are in core."""
from __future__ import annotations


def init_app(app) -> None:
    from network_space.notifications import models, privacy, tasks  # noqa: F401 - tasks: the worker tasks
    from network_space.notifications.admin import bp as email_admin_bp
    from network_space.notifications.views import bp, init_templates

    from network_space.core.i18n import lazy_gettext as _l

    from network_space.core.audit import register_audit_actions

    register_audit_actions({"email.retry": _l("Email renvoyé par un administrateur"),
                            "email.retry_all": _l("Emails en échec tous renvoyés par un administrateur")})
    privacy.register()
    app.register_blueprint(bp)
    app.register_blueprint(email_admin_bp)
    init_templates(app)
