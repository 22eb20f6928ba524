"""Settings, read from the environment: one class per way of running fieldapp."""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import ClassVar


def _env_bool(name: str, default: bool) -> bool:
    """Read a yes/no environment variable."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    """Read an integer environment variable."""
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


class Config:
    """Settings shared by every environment."""

    ENV_NAME = "base"
    SQLALCHEMY_DATABASE_URI: str | None = os.environ.get("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict] = {}  # pool settings per database: fieldapp/fastsql/engine.py
    SECRET_KEY: str | None = os.environ.get("SECRET_KEY")
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # a canvass shift outlives the default hour
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # Every body is held to MAX_CONTENT_LENGTH (JSON calls, forms: an outbox of 500 knocks is
    # well under 1 MB); only the file-upload routes take FIELDAPP_MAX_UPLOAD_BYTES
    # (fieldapp/body_limits.py).
    MAX_CONTENT_LENGTH = _env_int("FIELDAPP_MAX_BODY_MB", 2) * 1024 * 1024
    FIELDAPP_MAX_UPLOAD_BYTES = _env_int("FIELDAPP_MAX_UPLOAD_MB", 200) * 1024 * 1024
    # Uploads wait here for their job (instance/uploads when empty), this much in all at most.
    FIELDAPP_UPLOAD_FOLDER = os.environ.get("FIELDAPP_UPLOAD_FOLDER", "")
    FIELDAPP_UPLOAD_FOLDER_BYTES = _env_int("FIELDAPP_UPLOAD_FOLDER_MB", 2048) * 1024 * 1024
    # The job queue: empty for a SQLite file in the instance folder, or redis://host:port/db.
    FIELDAPP_JOB_QUEUE = os.environ.get("FIELDAPP_JOB_QUEUE", "")
    # Several fieldapps (staging, production) may share one Redis under different names.
    FIELDAPP_JOB_QUEUE_NAME = os.environ.get("FIELDAPP_JOB_QUEUE_NAME", "fieldapp")
    FIELDAPP_JOB_HEARTBEAT_SECONDS = float(os.environ.get("FIELDAPP_JOB_HEARTBEAT_SECONDS", "5"))
    # A running job whose worker has not been heard from for this long is taken over.
    FIELDAPP_JOB_STALE_SECONDS = float(os.environ.get("FIELDAPP_JOB_STALE_SECONDS", "60"))
    FIELDAPP_JOB_MAX_ATTEMPTS = _env_int("FIELDAPP_JOB_MAX_ATTEMPTS", 3)
    FIELDAPP_IMPORT_BATCH_SIZE = _env_int("FIELDAPP_IMPORT_BATCH_SIZE", 5000)
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = _env_bool("FIELDAPP_RATELIMIT", True)
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT_IP = os.environ.get("FIELDAPP_LOGIN_LIMIT_IP", "20 per minute")
    LOGIN_RATE_LIMIT_ACCOUNT = os.environ.get("FIELDAPP_LOGIN_LIMIT_ACCOUNT", "5 per minute")
    INVITE_TTL_HOURS = _env_int("FIELDAPP_INVITE_TTL_HOURS", 72)
    API_TOKEN_TTL_DAYS = _env_int("FIELDAPP_API_TOKEN_TTL_DAYS", 90)
    PASSWORD_RESET_TTL_HOURS = _env_int("FIELDAPP_PASSWORD_RESET_TTL_HOURS", 24)
    FIELDAPP_GEOCODER = os.environ.get("FIELDAPP_GEOCODER", "none")
    FIELDAPP_GEOCODER_DOMAIN = os.environ.get("FIELDAPP_GEOCODER_DOMAIN", "")
    FIELDAPP_GEOCODER_SCHEME = os.environ.get("FIELDAPP_GEOCODER_SCHEME", "https")
    FIELDAPP_GEOCODER_USER_AGENT = os.environ.get("FIELDAPP_GEOCODER_USER_AGENT", "fieldapp")
    FIELDAPP_GEOCODER_API_KEY = os.environ.get("FIELDAPP_GEOCODER_API_KEY", "")
    FIELDAPP_GEOCODER_MIN_DELAY = float(os.environ.get("FIELDAPP_GEOCODER_MIN_DELAY", "1.0"))
    # A failed query is retried this many times, this many seconds apart, then counted failed.
    FIELDAPP_GEOCODER_MAX_RETRIES = _env_int("FIELDAPP_GEOCODER_MAX_RETRIES", 1)
    FIELDAPP_GEOCODER_ERROR_WAIT = float(os.environ.get("FIELDAPP_GEOCODER_ERROR_WAIT", "2.0"))
    FIELDAPP_GEOCODER_TIMEOUT = float(os.environ.get("FIELDAPP_GEOCODER_TIMEOUT", "10"))
    FIELDAPP_TILES_URL = os.environ.get(
        "FIELDAPP_TILES_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    )
    FIELDAPP_TILES_ATTRIBUTION = os.environ.get(
        "FIELDAPP_TILES_ATTRIBUTION", "&copy; OpenStreetMap contributors"
    )
    FIELDAPP_FAR_KNOCK_METRES = _env_int("FIELDAPP_FAR_KNOCK_METRES", 150)
    # Proxies in front of fieldapp that set X-Forwarded-For/-Proto (0: none, the peer is the
    # client). Rate limits key on the address these hops report, not on the proxy's own.
    FIELDAPP_PROXY_HOPS = _env_int("FIELDAPP_PROXY_HOPS", 0)
    FIELDAPP_HSTS = False  # Strict-Transport-Security: production only (it is served over TLS)


class DevelopmentConfig(Config):
    """Local use and `make demo`: SQLite in the instance folder, a generated key."""

    ENV_NAME = "development"


class TestingConfig(Config):
    """The test suite: each test sets its own DATABASE_URL."""

    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret-key-not-for-production"
    WTF_CSRF_ENABLED = False  # switched back on by the tests that check it
    RATELIMIT_ENABLED = False  # switched back on by the tests that check it
    RATELIMIT_STORAGE_URI = "memory://"
    SQLALCHEMY_DATABASE_URI = None


class ProductionConfig(Config):
    """Serving real voter data: secure cookies, and no start without SECRET_KEY."""

    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    FIELDAPP_HSTS = True


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


class ConfigError(RuntimeError):
    """The settings cannot run fieldapp; the message says what to set."""


def instance_secret_key(instance_path: str) -> str:
    """Return the development key kept in the instance folder, creating it once."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


def default_sqlite_uri(instance_path: str) -> str:
    """The embedded database: a SQLite file in the instance folder."""
    Path(instance_path).mkdir(parents=True, exist_ok=True)
    return "sqlite:///" + str(Path(instance_path) / "fieldapp.sqlite3")
