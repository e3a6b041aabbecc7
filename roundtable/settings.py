"""Roundtable settings: one file, every value read from the environment (see README.md)."""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def secret_key():
    """SECRET_KEY from the environment, else one generated once and kept in var/."""
    if env("SECRET_KEY"):
        return env("SECRET_KEY")
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env_bool("DEBUG")
SECRET_KEY = secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# How many reverse proxies stand in front; their X-Forwarded-For gives the client's address.
NUM_PROXIES = int(env("NUM_PROXIES", "0"))

# Behind a TLS-terminating reverse proxy in production; HTTPS=true turns on every transport guard.
HTTPS = env_bool("HTTPS")
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "roundtable.common",
    "roundtable.audit",
    "roundtable.places",
    "roundtable.workdays",
    "roundtable.people",
    "roundtable.notifications",
    "roundtable.suggestions",
    "roundtable.votes",
    "roundtable.meetings",
    "roundtable.dashboards",
    "roundtable.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "roundtable.urls"
WSGI_APPLICATION = "roundtable.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "roundtable.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'roundtable.sqlite3'}"),
        conn_max_age=int(env("CONN_MAX_AGE", "60")),
        # Off by default, as in Django: checking costs a round trip on every request; without it
        # the first request on a connection the database dropped (a restart) fails, and the
        # connection is then replaced.
        conn_health_checks=env_bool("CONN_HEALTH_CHECKS"),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A statement run PG_PREPARE_THRESHOLD times on one connection is prepared: PostgreSQL then
    # skips parsing and planning it (the six-table join of a resident's homes took longer to plan
    # than to run). Preparing needs the parameters bound by the server. Set it empty behind a
    # pooler in transaction mode that cannot keep prepared statements (PgBouncer before 1.21).
    _prepare_threshold = env("PG_PREPARE_THRESHOLD", "5").strip()
    if _prepare_threshold:
        DATABASES["default"]["OPTIONS"] = {
            "server_side_binding": True,
            "prepare_threshold": int(_prepare_threshold),
        }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web server and a worker share the file.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if env("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env("REDIS_URL"),
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "roundtable"),
        }
    }
elif env("CACHE_TABLE"):
    # Django's database cache: shared by every process without a Redis to run
    # (`manage.py createcachetable` makes the table).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": env("CACHE_TABLE"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The login limits (people/throttle.py) count in this cache. A local-memory cache is one per
# process: with several gunicorn workers each counted its own wrong codes. WEB_CONCURRENCY, which
# gunicorn reads as its number of workers, declares how many serve (0: not declared). Several
# with no shared cache and DEBUG off refuse to start; undeclared fails `check --deploy`
# (people/checks.py); `make run` (one runserver process) and bench/ load as before.
WEB_CONCURRENCY = int(env("WEB_CONCURRENCY") or "0")
if (
    not DEBUG
    and WEB_CONCURRENCY > 1
    and CACHES["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
):
    raise ImproperlyConfigured(
        f"WEB_CONCURRENCY={WEB_CONCURRENCY} gunicorn workers would each keep their own login "
        "limits in a local-memory cache. Set REDIS_URL (or CACHE_TABLE for Django's database "
        "cache, after `manage.py createcachetable`), or serve with one worker."
    )

AUTH_USER_MODEL = "people.User"
# Django's own database sessions (the default SESSION_ENGINE) and ModelBackend, which logs in by
# User.USERNAME_FIELD, the mobile number, behind the login limits (the page and /admin/ alike).
AUTHENTICATION_BACKENDS = ["roundtable.people.backends.ThrottledModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "people:login"
LOGIN_REDIRECT_URL = "people:profile"
LOGOUT_REDIRECT_URL = "home"
SESSION_COOKIE_AGE = int(env("SESSION_COOKIE_AGE", str(14 * 24 * 3600)))

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# Content-Security-Policy (django-csp): scripts and style sheets only from this site's static
# files, so an injected <script> or <style> does nothing. Style attributes stay allowed: htmx
# swaps in the live vote's bars and ECharts writes its tooltip with them, and they cannot run
# code. Images may also be data: URLs (small inline pictures).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# Background tasks (deadline sweeps, digests) wait in the database for `manage.py db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# What `manage.py tick` (cron every 5 minutes, or `make run` every minute) enqueues: each task on
# every tick, or, with "due", when that function of the moment says so (it claims the slot, so
# ticks running side by side enqueue it once). Named by path: the tick imports no app.
SCHEDULED_TASKS = [
    {"task": "roundtable.suggestions.tasks.sweep_deadlines"},
    {"task": "roundtable.meetings.tasks.send_meeting_reminders"},
    {"task": "roundtable.votes.tasks.close_due_polls"},
    {"task": "roundtable.audit.tasks.seal_audit_log"},
    {
        "task": "roundtable.audit.tasks.publish_audit_head",  # the chain's head, published
        "due": "roundtable.audit.heads.heads_due",  # once a night from 01:00
    },
    {
        "task": "roundtable.suggestions.tasks.check_figures",  # the summary against a recount
        "due": "roundtable.suggestions.reminders.figures_check_due",  # once a night from 03:00
    },
    {
        "task": "roundtable.suggestions.tasks.daily_digest",
        "due": "roundtable.suggestions.reminders.digest_due",  # once a day from 08:00
    },
]

# What votes' poll pages ask of meetings (the meetings a poll may be held at, who checked in at
# one): named by path, as votes sits below meetings and imports none of it.
POLL_MEETINGS = "roundtable.meetings.polls.recent_meetings"
POLL_ATTENDEES = "roundtable.meetings.polls.checked_in"

# The audit chain's HMAC key, kept out of the database so that whoever can write to it cannot
# rebuild the chain; empty: derived from SECRET_KEY (`check --deploy` warns). The heads file: each
# day's head appended outside the database by the tick (README: the audit anchor).
AUDIT_KEY = env("AUDIT_KEY")
AUDIT_HEADS_FILE = Path(env("AUDIT_HEADS_FILE", VAR_DIR / "audit" / "heads.jsonl"))

# SMS: console by default; "roundtable.notifications.sms.FileBackend" writes to SMS_FILE_PATH.
SMS_BACKEND = env("SMS_BACKEND", "roundtable.notifications.sms.ConsoleBackend")
SMS_FILE_PATH = Path(env("SMS_FILE_PATH", VAR_DIR / "sms" / "outbox.jsonl"))
SMS_SIGNATURE = env("SMS_SIGNATURE", "【议事圆桌】")

# One-time login codes (DOMAIN.md §7 keeps them short-lived and rate-limited).
LOGIN_CODE_TTL_SECONDS = int(env("LOGIN_CODE_TTL_SECONDS", "300"))
LOGIN_CODE_RESEND_SECONDS = int(env("LOGIN_CODE_RESEND_SECONDS", "60"))
LOGIN_CODE_MAX_PER_PHONE_HOUR = int(env("LOGIN_CODE_MAX_PER_PHONE_HOUR", "5"))
LOGIN_CODE_MAX_PER_IP_HOUR = int(env("LOGIN_CODE_MAX_PER_IP_HOUR", "20"))
LOGIN_CODE_MAX_WRONG = int(env("LOGIN_CODE_MAX_WRONG", "5"))
LOGIN_LOCK_SECONDS = int(env("LOGIN_LOCK_SECONDS", "900"))
# Staff passwords, on the login page and /admin/: wrong ones lock the number, and the client
# address, for LOGIN_LOCK_SECONDS (the same counters as the codes).
LOGIN_PASSWORD_MAX_WRONG = int(env("LOGIN_PASSWORD_MAX_WRONG", "5"))
LOGIN_PASSWORD_MAX_WRONG_PER_IP = int(env("LOGIN_PASSWORD_MAX_WRONG_PER_IP", "20"))

PRIVACY_NOTICE_VERSION = "2026-11b"  # b: the optional year of birth
DEMO_PASSWORD = env("DEMO_PASSWORD", "roundtable2026")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
}
