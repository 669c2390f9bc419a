"""network_space: the shared workspace of the Isère network of facilitateurs clauses sociales."""
from __future__ import annotations

import importlib
from pathlib import Path

from flask import Flask, has_request_context, request
from flask_babel import get_locale
from flask_login import current_user

from config import INSTANCE_DIR, selected
from network_space.core.i18n import language_of, lazy_gettext as _l
from network_space.extensions import babel, csrf, db, limiter, login_manager, mail, migrate

ROOT = Path(__file__).resolve().parent.parent


def select_locale() -> str:
    return language_of(current_user if current_user and current_user.is_authenticated else None)


def create_app(config_name: str | None = None, **overrides) -> Flask:
    config_class = selected(config_name)
    config_class.check()

    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(INSTANCE_DIR),
    )
    app.config.from_object(config_class)
    app.config.update(overrides)
    request_mb = app.config["MAX_REQUEST_MB"] or 4 * app.config["MAX_UPLOAD_MB"]
    app.config["MAX_CONTENT_LENGTH"] = max(request_mb, app.config["MAX_UPLOAD_MB"] + 1) * 1024 * 1024
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True, compare_type=True)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Connectez-vous pour accéder à cette page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    mail.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, default_timezone="Europe/Paris")
    limiter.init_app(app)

    from network_space.core import (  # noqa: F401 - outbox, scheduler, privacy: tables and worker tasks
        audit, backlinks, backup, dates, devserver, errors, forms, http, i18n, inbound, mail_ingest, markdown,
        navigation, numbers, outbox, permissions, privacy, scheduler, sections, security, transactions, urls, worker,
    )

    for module in (http, i18n, dates, numbers, markdown, permissions, navigation, backlinks, sections, security, errors,
                   transactions, forms, urls, worker, audit, outbox, inbound, mail_ingest, backup, devserver):
        module.init_app(app)

    _register_domains(app)

    @login_manager.user_loader
    def load_user(token: str):
        from network_space.accounts.services import load_user_by_session_token

        return load_user_by_session_token(token)

    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["url_endpoints"] = app.view_functions

    @app.context_processor
    def site_context():
        # Emails are rendered by the worker, outside any request.
        return {"site_name": app.config["SITE_NAME"], "current_path": request.path if has_request_context() else ""}

    return app


# The domains, in dependency order. Each package's __init__ has init_app(app), which imports its
# models, registers its blueprint, navigation entry, permission rules, CLI commands, worker
# tasks and search documents. Adding a domain is one line here.
DOMAINS = ("search", "notifications", "accounts", "announcements", "library", "directory", "meetings", "events",
           "guests", "discussions", "reports", "legal")


def _register_domains(app: Flask) -> None:
    from network_space.core.audit import AuditEntry  # noqa: F401 - the audit table
    from network_space.core.site_settings import SiteSetting  # noqa: F401 - the admins' settings table
    from network_space.core.views import bp as core_bp

    app.register_blueprint(core_bp)
    for name in DOMAINS:
        importlib.import_module(f"network_space.{name}").init_app(app)
    from network_space import demo

    demo.init_app(app, DOMAINS)
