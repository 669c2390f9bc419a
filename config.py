"""Configuration classes, read from the environment.

Select one with FLASK_ENV-like variable NS_CONFIG (development, testing, production);
every setting can be overridden by the environment variable of the same name.
"""
from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("NS_INSTANCE_DIR", BASE_DIR / "instance"))

# Placeholder used in development; production refuses it (see ProductionConfig.check).
DEV_SECRET_KEY = "dev-only-not-secret"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
    SITE_NAME = os.environ.get("SITE_NAME", "Réseau des facilitateurs clauses sociales de l'Isère")
    # Absolute address of the site, used for links in emails (no request context in the worker).
    SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:5000").rstrip("/")

    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'network_space.sqlite'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    # Storage of uploaded files and of the search index: outside static/.
    DATA_DIR = os.environ.get("DATA_DIR", str(INSTANCE_DIR / "data"))
    SEARCH_INDEX_DIR = os.environ.get("SEARCH_INDEX_DIR", str(INSTANCE_DIR / "search_index"))
    MAX_UPLOAD_MB = env_int("MAX_UPLOAD_MB", 25)

    # Mail. With no MAIL_SERVER in development, messages are kept in the outbox and shown on
    # the admin "Emails" page instead of being sent.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = env_int("MAIL_PORT", 25)
    MAIL_USE_TLS = env_bool("MAIL_USE_TLS", False)
    MAIL_USE_SSL = env_bool("MAIL_USE_SSL", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Réseau clauses sociales <no-reply@example.org>")
    MAIL_SUPPRESS_SEND = env_bool("MAIL_SUPPRESS_SEND", False)
    MAIL_TIMEOUT = env_int("MAIL_TIMEOUT", 20)
    OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 20)
    OUTBOX_BACKOFF_BASE = env_int("OUTBOX_BACKOFF_BASE", 30)  # seconds, doubled per try
    OUTBOX_BACKOFF_MAX = env_int("OUTBOX_BACKOFF_MAX", 3600)
    OUTBOX_LEASE_SECONDS = env_int("OUTBOX_LEASE_SECONDS", 300)
    WORKER_INTERVAL = env_int("WORKER_INTERVAL", 5)
    # Replies by email (core/inbound.py): emails about a thread carry Reply-To
    # reponse+<token>@REPLY_DOMAIN, and `flask mail-ingest` (fed by the MTA) posts the answers.
    # Empty: off. The token expires after REPLY_TOKEN_MAX_AGE_DAYS; bigger messages are refused.
    REPLY_DOMAIN = os.environ.get("REPLY_DOMAIN", "").strip().lower()
    REPLY_TOKEN_MAX_AGE_DAYS = env_int("REPLY_TOKEN_MAX_AGE_DAYS", 90)
    INBOUND_MAX_BYTES = env_int("INBOUND_MAX_BYTES", 10_000_000)

    # Sessions and cookies.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * 30
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 12

    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead: long forms must not expire
    # WTForms' own messages ("This field is required."…) in the user's language, from the
    # catalogues WTForms ships, through flask-babel's locale (French unless the member chose English).
    WTF_I18N_ENABLED = True

    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_DEFAULT_TIMEZONE = "Europe/Paris"
    LANGUAGES = ("fr", "en")

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = env_bool("RATELIMIT_ENABLED", True)
    RATELIMIT_HEADERS_ENABLED = True
    # Per-account lock-out: so many failed logins within the window lock the account for it.
    LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5)
    LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15)
    # Per client address (all accounts together), same window: slows password spraying.
    LOGIN_MAX_FAILURES_PER_ADDRESS = env_int("LOGIN_MAX_FAILURES_PER_ADDRESS", 30)

    INVITATION_MAX_AGE = 7 * 24 * 3600
    PASSWORD_RESET_MAX_AGE = 3600
    PASSWORD_MIN_LENGTH = 12
    PASSWORD_HASH_METHOD = "scrypt"  # werkzeug's scrypt: memory-hard KDF

    NOTIFICATION_RETENTION_DAYS = env_int("NOTIFICATION_RETENTION_DAYS", 90)

    TESTING = False
    DEBUG = False

    @classmethod
    def check(cls) -> None:
        """Refuse configurations that would be unsafe to run."""


class DevelopmentConfig(Config):
    DEBUG = env_bool("FLASK_DEBUG", False)
    # Without an SMTP server configured, keep mail for the admin "Emails" page.
    MAIL_SUPPRESS_SEND = env_bool("MAIL_SUPPRESS_SEND", "MAIL_SERVER" not in os.environ)


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-secret-key"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    SERVER_NAME = "localhost"
    SITE_URL = "http://localhost"
    MAIL_SUPPRESS_SEND = False
    MAIL_DEFAULT_SENDER = "Réseau clauses sociales <no-reply@example.org>"
    RATELIMIT_ENABLED = False
    WORKER_INTERVAL = 0
    # Test speed only: scrypt's cost would dominate the suite. Production keeps scrypt.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    PREFERRED_URL_SCHEME = "https"

    @classmethod
    def check(cls) -> None:
        key = os.environ.get("SECRET_KEY", "")
        if not key or key == DEV_SECRET_KEY or len(key) < 32:
            raise RuntimeError(
                "SECRET_KEY must be set to a random value of at least 32 characters in production "
                "(for example: python -c 'import secrets; print(secrets.token_hex(32))')."
            )
        cls.SECRET_KEY = key


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
