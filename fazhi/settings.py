"""Django settings for fazhi, read from FAZHI_* environment variables (see README)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured

# Lets admin and querysets be written with type parameters (ModelAdmin[Model]).
django_stubs_ext.monkeypatch()

PACKAGE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"环境变量 {name} 应为整数，实际为 {value!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# Production mode: secrets must be given, never generated; debug cannot be on.
PRODUCTION = env_bool("FAZHI_PRODUCTION")
DEBUG = env_bool("FAZHI_DEBUG") and not PRODUCTION

VAR_DIR = Path(os.environ.get("FAZHI_VAR_DIR", "") or Path.cwd() / "var").resolve()


def _key(variable: str, file_name: str, make: Callable[[], str], hint: str = "") -> str:
    """A key from the environment; in production it must be there. For local use it is
    generated once into var/ and kept, so that sessions and sealed fields survive restarts."""
    given = os.environ.get(variable, "").strip()
    if given:
        return given
    if PRODUCTION:
        raise ImproperlyConfigured(f"生产模式下必须设置环境变量 {variable}{hint}")
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / file_name
    if not key_file.exists():
        key_file.write_text(make(), encoding="utf-8")
        key_file.chmod(0o600)
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = _key("FAZHI_SECRET_KEY", "secret_key", lambda: secrets.token_urlsafe(50))
# The SM4 key (32 hex digits) that seals sensitive fields such as ID numbers and phones.
# Losing it loses those fields: keep it safe, and apart from the database backups.
FIELD_KEY = _key(
    "FAZHI_FIELD_KEY",
    "field_key",
    lambda: secrets.token_hex(16),
    "（32 位十六进制 SM4 密钥，可用 python3 -c 'import secrets; print(secrets.token_hex(16))' 生成）",
)

ALLOWED_HOSTS = env_list(
    "FAZHI_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"]
)
CSRF_TRUSTED_ORIGINS = env_list("FAZHI_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "fazhi.core.apps.AxesConfig",  # django-axes, named in Chinese in the admin
    "fazhi.core",
    "fazhi.workdays",
    "fazhi.procedures",
    "fazhi.plans",
    "fazhi.disclosure",
    "fazhi.laws",
    "fazhi.indicators",
]

MIDDLEWARE = [
    "fazhi.core.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "fazhi.core.middleware.SecurityHeadersMiddleware",
    "fazhi.core.middleware.QueryTextMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "fazhi.core.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "fazhi.core.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "fazhi.core.middleware.LoginRequiredMiddleware",
    # Last, so that a lockout raised by the authentication backend becomes its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "fazhi.urls"
WSGI_APPLICATION = "fazhi.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "fazhi.core.context_processors.shell",
            ],
        },
    },
]

# --- database --------------------------------------------------------------

DATABASE_URL = os.environ.get("FAZHI_DATABASE_URL", "").strip() or (
    f"sqlite:///{VAR_DIR / 'fazhi.sqlite3'}"
)


def _database(url: str) -> dict[str, Any]:
    config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            # Writers queue behind each other instead of failing at once; IMMEDIATE
            # takes the write lock at BEGIN so two transactions cannot deadlock on upgrade.
            "timeout": env_int("FAZHI_SQLITE_BUSY_TIMEOUT", 20),
            "transaction_mode": "IMMEDIATE",
            "init_command": (
                "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
            ),
        }
    elif config["ENGINE"] == "django.db.backends.postgresql":
        config.setdefault("OPTIONS", {})
        config["OPTIONS"].setdefault("connect_timeout", 5)
        config["CONN_HEALTH_CHECKS"] = True
    return config


DATABASES = {"default": _database(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- accounts --------------------------------------------------------------

AUTH_USER_MODEL = "core.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "fazhi.core.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("FAZHI_PASSWORD_MIN_LENGTH", 10)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "fazhi.core.passwords.CharacterClassValidator"},
]

# Lockout after repeated failures, per account (django-axes).
AXES_FAILURE_LIMIT = env_int("FAZHI_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("FAZHI_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["username"]
# Whole offices share one NAT address: locking by IP would lock out an office.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env_int("FAZHI_TRUSTED_PROXY_COUNT", 0) or None

# Sessions end after a period without activity, and with the browser.
SESSION_COOKIE_AGE = env_int("FAZHI_SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "fazhi.core.views.csrf_failure"

# --- security headers --------------------------------------------------------

HTTPS = env_bool("FAZHI_HTTPS", default=PRODUCTION)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = env_bool("FAZHI_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env_int("FAZHI_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("FAZHI_BEHIND_PROXY") else None
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline scripts or styles anywhere, and nothing from another origin.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)

# --- i18n --------------------------------------------------------------------

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
# Chinese for django-axes (which ships none) and fixes to Django's own zh_Hans.
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_TZ = True

# --- static files ----------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise expects it, collected or not
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# `fazhi serve` collects and hashes static files; tests and `runserver` read them in place.
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "fazhi.core.staticfiles.StaticStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"

# --- logging -----------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "fazhi.core.logs.JsonFormatter"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["stderr"], "level": os.environ.get("FAZHI_LOG_LEVEL", "INFO")},
    "loggers": {
        # Our request log replaces Django's own per-request lines.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# Periods of the normative-document register (legal-rules §6: 📄/🧠, so configurable).
LAWS_VALIDITY_YEARS = env_int("FAZHI_LAWS_VALIDITY_YEARS", 5)
LAWS_TRIAL_VALIDITY_YEARS = env_int("FAZHI_LAWS_TRIAL_VALIDITY_YEARS", 2)
LAWS_EXPIRY_WARNING_DAYS = env_int("FAZHI_LAWS_EXPIRY_WARNING_DAYS", 180)
FAZHI_DUE_SOON_WORKDAYS = env_int("FAZHI_DUE_SOON_WORKDAYS", 3)
# How many years ahead a planned date (a deadline, a validity end) may lie: fazhi.core.dates.
MAX_FUTURE_YEARS = env_int("FAZHI_MAX_FUTURE_YEARS", 10)

PLATFORM_NAME = os.environ.get("FAZHI_PLATFORM_NAME", "").strip() or "法治政府建设管理平台"
