"""Backroom's settings. Everything that differs between machines comes from the environment,
read here and nowhere else (see README, "Configuration")."""

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DATA_DIR = Path(env("BACKROOM_DATA_DIR", "var")).resolve()


def _secret_key() -> str:
    """The key from the environment; on a single machine without one, a random key kept in the
    data folder so that sessions survive a restart. Several hosts must share BACKROOM_SECRET_KEY."""
    if key := env("BACKROOM_SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("BACKROOM_DEBUG")
ALLOWED_HOSTS = env_list("BACKROOM_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("BACKROOM_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",  # its templates and static files: the API docs page without a CDN
    "django_htmx",
    "backroom.accounts",
    "backroom.companies",
    "backroom.catalog",
    "backroom.inventory",
    "backroom.customers",
    "backroom.orders",
    "backroom.stores",
    "backroom.web",
    "backroom.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "backroom.urls"
WSGI_APPLICATION = "backroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

_SQLITE_URL = f"sqlite:///{DATA_DIR / 'backroom.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(env("DATABASE_URL", _SQLITE_URL), conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at BEGIN,
        # so two writers queue up instead of failing when one upgrades a read lock.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("BACKROOM_MEDIA_ROOT", str(DATA_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

EMAIL_BACKEND = env("BACKROOM_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("BACKROOM_EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("BACKROOM_EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = env("BACKROOM_FROM_EMAIL", "backroom@localhost")

# Online-store connections (README, "Configuration").
BACKROOM_STORE_KEY_SECRET = env("BACKROOM_STORE_KEY_SECRET")
"""Master secret for store keys' digests and encryption; empty = derived from SECRET_KEY."""
BACKROOM_TRUSTED_PROXIES = env_list("BACKROOM_TRUSTED_PROXIES", "")
"""Proxies (IPs or CIDR ranges) whose X-Forwarded-For is believed; none by default."""
BACKROOM_MAX_STORES_PER_ACCOUNT = int(env("BACKROOM_MAX_STORES_PER_ACCOUNT", "10"))
BACKROOM_PUBLIC_URL = env("BACKROOM_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
"""The address stores reach Backroom at: the "Store API address" shown to users."""
BACKROOM_STORE_SYNC_ENABLED = env_bool("BACKROOM_STORE_SYNC_ENABLED", True)
"""Off: every store's isLetSync says no (the other calls still answer)."""
BACKROOM_PLUGIN_MIN_VERSION = env("BACKROOM_PLUGIN_MIN_VERSION", "1.3.0")
"""The oldest DokioStore plugin allowed to sync (major.minor.patch)."""
BACKROOM_STORE_API_FAILURES_PER_MINUTE = int(env("BACKROOM_STORE_API_FAILURES_PER_MINUTE", "20"))
"""Failed store-API attempts (wrong key or address) per source address and minute before it
gets 429 until the minute ends; 0 = no limit."""

# Every handler redacts secrets (backroom.core.logging). Django's own default handlers (a
# console for DEBUG, mail to ADMINS with the full request) are replaced: "django" and
# "django.server" log through the root handler like everything else.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_secrets": {"()": "backroom.core.logging.RedactSecrets"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_secrets"],
        }
    },
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
    },
    "root": {"handlers": ["console"], "level": env("BACKROOM_LOG_LEVEL", "INFO")},
}
