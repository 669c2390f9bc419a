"""Configuration classes, read from the environment: every setting of the site is here, and only
here (tests/core/test_config.py checks that each key the code reads is defined below).

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


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value not in (None, "") else default


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
    # The search engine: "whoosh" (an embedded index in SEARCH_INDEX_DIR, one application
    # server) or "postgresql" (a table of the site's PostgreSQL database, several servers).
    SEARCH_BACKEND = os.environ.get("SEARCH_BACKEND", "whoosh").strip().lower()
    MAX_UPLOAD_MB = env_int("MAX_UPLOAD_MB", 25)
    # A whole request above this is refused before it is read (the 413 page, typed fields lost);
    # a file over MAX_UPLOAD_MB in a smaller request is refused by its form, fields kept.
    # 0: four times MAX_UPLOAD_MB. The proxy's own limit (nginx client_max_body_size) must allow it.
    MAX_REQUEST_MB = env_int("MAX_REQUEST_MB", 0)

    # Search (Whoosh). Seconds a request waits for the index's writer lock before leaving its
    # changes to the worker; reindex processes (0: one per core) and memory per process (MB);
    # postings of recent query words kept per process (12 bytes each, see search/docsets.py).
    SEARCH_LOCK_TIMEOUT = env_float("SEARCH_LOCK_TIMEOUT", 2.0)
    SEARCH_REINDEX_PROCS = env_int("SEARCH_REINDEX_PROCS", 0)
    SEARCH_REINDEX_LIMITMB = env_int("SEARCH_REINDEX_LIMITMB", 64)
    SEARCH_CACHE_POSTINGS = env_int("SEARCH_CACHE_POSTINGS", 4_000_000)
    # Seconds the extraction of a file's text may take (in a child process) before it is given up.
    LIBRARY_EXTRACT_TIMEOUT = env_float("LIBRARY_EXTRACT_TIMEOUT", 20.0)
    # Largest spreadsheet accepted by the directory's import, in KB.
    DIRECTORY_IMPORT_MAX_KB = env_int("DIRECTORY_IMPORT_MAX_KB", 2048)

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
    INBOUND_RETENTION_DAYS = env_int("INBOUND_RETENTION_DAYS", 120)

    # Sessions and cookies.
    # Strict-Transport-Security max-age (s); 0: not sent. On by default in production (HTTPS).
    HSTS_SECONDS = env_int("HSTS_SECONDS", 0)

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
    # The French catalogue: the plurals' French forms (network_space/core/catalog.py builds it).
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")
    LANGUAGES = ("fr", "en")

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = env_bool("RATELIMIT_ENABLED", True)
    RATELIMIT_HEADERS_ENABLED = True
    # Login and password-reset posts per client address (flask-limiter syntax).
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "20 per minute")
    # Per-account lock-out: so many failed logins within the window lock the account for it.
    LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5)
    LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15)
    # Per client address, same window: so many different accounts failing from one address lock
    # it out (password spraying); one colleague's typos lock only their own account.
    LOGIN_MAX_FAILURES_PER_ADDRESS = env_int("LOGIN_MAX_FAILURES_PER_ADDRESS", 30)
    # Behind a reverse proxy: how many proxies set X-Forwarded-For / -Proto (ProxyFix); 0 = none,
    # the client address is the connection's. Wrong here, every member shares the proxy's address.
    PROXY_HOPS = env_int("PROXY_HOPS", 0)
    # One password reset email per account per so many minutes, whatever the requests (in the database).
    PASSWORD_RESET_INTERVAL_MINUTES = env_int("PASSWORD_RESET_INTERVAL_MINUTES", 5)

    INVITATION_MAX_AGE = 7 * 24 * 3600
    PASSWORD_RESET_MAX_AGE = 3600
    PASSWORD_MIN_LENGTH = 12
    PASSWORD_HASH_METHOD = "scrypt"  # werkzeug's scrypt: memory-hard KDF

    # Retention of personal data, applied by the worker (core/privacy.py) and listed on the
    # "Données personnelles" page; 0 keeps without limit.
    NOTIFICATION_RETENTION_DAYS = env_int("NOTIFICATION_RETENTION_DAYS", 90)  # read notifications
    LOGIN_ATTEMPT_RETENTION_DAYS = env_int("LOGIN_ATTEMPT_RETENTION_DAYS", 30)
    INVITATION_RETENTION_DAYS = env_int("INVITATION_RETENTION_DAYS", 90)  # after expiry, never accepted
    AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 365)  # CNIL: 6 months to 1 year for logs
    EMAIL_BODY_RETENTION_DAYS = env_int("EMAIL_BODY_RETENTION_DAYS", 30)  # text of sent emails emptied
    EMAIL_RETENTION_DAYS = env_int("EMAIL_RETENTION_DAYS", 365)  # sent or failed emails deleted
    # Deactivated accounts are erased after this many months: long enough for a member back from
    # leave or a new post to be reactivated, and a defined period as the RGPD requires.
    DEACTIVATED_ACCOUNT_RETENTION_MONTHS = env_int("DEACTIVATED_ACCOUNT_RETENTION_MONTHS", 24)
    # How often a looping worker applies them (seconds).
    RETENTION_INTERVAL_SECONDS = env_int("RETENTION_INTERVAL_SECONDS", 3600)

    # `flask backup` / `flask restore` on PostgreSQL: the folder of pg_dump and pg_restore, of the
    # server's major version or newer (default: /usr/lib/postgresql/<server major>/bin, then PATH).
    PG_BIN_DIR = os.environ.get("PG_BIN_DIR", "")

    # RGAA conformity status shown in every page's footer ("Accessibilité : non conforme"):
    # "non", "partiel" or "total", set after an accessibility audit (see the accessibility page).
    ACCESSIBILITY_STATUS = os.environ.get("ACCESSIBILITY_STATUS", "non")

    # Guests (partners invited without an account, issue 18). Their personal data are deleted so
    # many months after the event or meeting they were invited to (worker's retention task; 0: never).
    GUEST_RETENTION_MONTHS = env_int("GUEST_RETENTION_MONTHS", 12)
    # A public registration not confirmed within so many days is dropped (double opt-in).
    GUEST_UNCONFIRMED_DAYS = env_int("GUEST_UNCONFIRMED_DAYS", 2)
    # Requests per client address on the personal-link pages, and posts on a public registration page.
    GUEST_LINK_RATE_LIMIT = os.environ.get("GUEST_LINK_RATE_LIMIT", "60 per minute")
    GUEST_PUBLIC_RATE_LIMIT = os.environ.get("GUEST_PUBLIC_RATE_LIMIT", "5 per hour")
    # Who processes guests' personal data, as the RGPD information on their page and emails says.
    GUEST_DATA_CONTROLLER = os.environ.get(
        "GUEST_DATA_CONTROLLER", "Le réseau des facilitateurs clauses sociales de l'Isère (Département de l'Isère et DDETS)")

    TESTING = False
    DEBUG = False
    # With TESTING, an unexpected exception reaches the test instead of the 500 page; a test of
    # the 500 page turns this off.
    PROPAGATE_TEST_ERRORS = True

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
    RETENTION_INTERVAL_SECONDS = 0  # every run_once() applies them
    # Test speed only: scrypt's cost would dominate the suite. Production keeps scrypt.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    PREFERRED_URL_SCHEME = "https"
    HSTS_SECONDS = env_int("HSTS_SECONDS", 365 * 24 * 3600)

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


def selected(name: str | None = None) -> type[Config]:
    """The configuration named, or the one NS_CONFIG names (development by default)."""
    return CONFIGS[name or os.environ.get("NS_CONFIG", "development")]
