"""Settings, all from the environment (see docs/admin/production.md).

DATABASE_URL   default: SQLite file in the project's data folder (ZHUNONG_DATA_DIR, default ./data)
DATABASE_REPLICA_URL  optional: a streaming replica of DATABASE_URL for supervision reads
PGBOUNCER      set when the databases are reached through pgbouncer in transaction mode
SECRET_KEY     required when DEBUG is off, except for a local trial (ZHUNONG_LOCAL)
DEBUG          off unless set to 1/true/yes; `make run` leaves it off too
ZHUNONG_LOCAL  a trial on this machine (`make run`): plain HTTP on loopback, a secret key generated
               once and kept in the data folder, mail to the console, static files from the package
ALLOWED_HOSTS  comma-separated; default 127.0.0.1,localhost
EMAIL_URL-like settings: EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD,
               EMAIL_USE_TLS, DEFAULT_FROM_EMAIL
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PACKAGE_DIR = Path(__file__).resolve().parent
# In a checkout (src layout) the project folder holds pyproject.toml; when installed as a package,
# data and collected static files go under the working directory unless set explicitly.
PROJECT_DIR = (
    PACKAGE_DIR.parent.parent
    if (PACKAGE_DIR.parent.parent / "pyproject.toml").exists()
    else Path.cwd()
)
DATA_DIR = Path(os.environ.get("ZHUNONG_DATA_DIR", PROJECT_DIR / "data"))

DEBUG = env_bool("DEBUG")
# pytest sets PYTEST_VERSION for the whole session (pytest >= 8.2).
TESTING = env_bool("ZHUNONG_TESTING") or "PYTEST_VERSION" in os.environ
# `make run`: DEBUG stays off (users never see Django's technical pages), but nothing has to be
# configured: no HTTPS, and a secret key made on first run.
LOCAL = env_bool("ZHUNONG_LOCAL")


def local_secret_key(folder: Path) -> str:
    """The local trial's secret key: generated once, kept readable by its owner only in the data
    folder (ignored by git), so sessions survive a restart and no user ever has to choose one."""
    path = folder / "secret_key"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as f:
            f.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if LOCAL:
        SECRET_KEY = local_secret_key(DATA_DIR)
    elif DEBUG or TESTING:
        SECRET_KEY = "insecure-development-key-only-for-debug-and-tests"  # noqa: S105
    else:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (see docs/admin).")
# Served from the package's folders without `collectstatic`: the development and trial setups.
SERVE_FROM_SOURCE = DEBUG or TESTING or LOCAL

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
if TESTING:
    ALLOWED_HOSTS += ["testserver"]
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
CSRF_FAILURE_VIEW = "zhunong.web.errors.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "zhunong.web.libraries.AxesConfig",  # django-axes, named in Chinese
    "simple_history",
    "ninja",
    "zhunong.people",
    "zhunong.regions",
    "zhunong.market",
    "zhunong.orgs",
    "zhunong.reservations",
    "zhunong.ledger",
    "zhunong.ingest",
    "zhunong.supervision",
    "zhunong.exports",
    "zhunong.web.libraries.TasksConfig",  # django-tasks-db, named in Chinese
    "zhunong.web",
]

MIDDLEWARE = [
    "zhunong.web.middleware.PauseCollectorMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "zhunong.replicas.ReplicaReadsMiddleware",
    "zhunong.web.middleware.ChineseFirstLocaleMiddleware",
    "zhunong.web.middleware.ApiErrorsAsJsonMiddleware",
    "zhunong.web.middleware.RefuseUnstorableTextMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "zhunong.urls"
WSGI_APPLICATION = "zhunong.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "zhunong.web.context.reach",
            ],
        },
    }
]

DATA_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'zhunong.sqlite3'}"),
        # persistent connections: opening one per request costs PostgreSQL a process each time
        # (bench/checkout_bench.py: 23 → 40 orders/s); checked before reuse
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
if os.environ.get("DATABASE_REPLICA_URL"):
    # a streaming replica of the primary: supervision reads go there (zhunong.replicas, ADR 0020)
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    # tests write to the primary's test database; the replica holds the same database by
    # replication, so Django must not create one there (tests/test_replica.py connects to it)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
if env_bool("PGBOUNCER"):
    # pgbouncer in transaction mode hands each transaction any server connection: a cursor kept
    # open across transactions (QuerySet.iterator on PostgreSQL) would not survive it
    for database in DATABASES.values():
        database["DISABLE_SERVER_SIDE_CURSORS"] = True
DATABASE_ROUTERS = ["zhunong.replicas.ReplicaRouter"]
# The ledger's per-unit index carries the amount and order date (INCLUDE) for PostgreSQL's
# index-only scans; SQLite, the embedded development database, builds it without them.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "people.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "zhunong.people.backends.UsernameOrMobileBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after 8 hours of work or when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True

# Lockout: 5 failures for one account (by user name or mobile) from one address lock it for 30 min.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# counted per account: typing the mobile number instead of the user name is the same account
AXES_USERNAME_CALLABLE = "zhunong.people.backends.account_name"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "people/locked_out.html"
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
FORMAT_MODULE_PATH = ["zhunong.formats"]  # zh-hans groups numbers by three (formats/zh_Hans)
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", PROJECT_DIR / "staticfiles"))
if SERVE_FROM_SOURCE and "STATIC_ROOT" not in os.environ:
    STATIC_ROOT = None  # served from the apps' folders; `collectstatic` is for production
WHITENOISE_USE_FINDERS = SERVE_FROM_SOURCE
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if SERVE_FROM_SOURCE
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = DATA_DIR / "media"

# Uploads: spreadsheets are read from a temporary file, never wholly into memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# E-mail (Django 6.1 mailers). In DEBUG or a local trial without EMAIL_HOST, mail goes to the console.
if (DEBUG or LOCAL) and "EMAIL_HOST" not in os.environ:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    MAILERS = {
        "default": {
            "BACKEND": os.environ.get(
                "EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
            ),
            "OPTIONS": {
                "host": os.environ.get("EMAIL_HOST", "localhost"),
                "port": int(os.environ.get("EMAIL_PORT", "25")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS"),
            },
        }
    }
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "zhunong@localhost")

# Content security policy (Django's own): scripts only from this server, or with the page's nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    # Swagger UI (API docs) and ECharts tooltips set inline styles.
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG and not TESTING and not LOCAL:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if env_bool("BEHIND_PROXY"):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Behind proxies, the client's address is the one the outermost of our PROXY_COUNT proxies
# appended to X-Forwarded-For, so a lockout is per client, not per proxy (people/backends.py).
PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "1")) if env_bool("BEHIND_PROXY") else 0
AXES_CLIENT_IP_CALLABLE = "zhunong.people.backends.client_ip"

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Background work: Django's tasks framework with the database backend (`zhunong db_worker`, started
# by `make run`). Tests run tasks immediately.
TASKS = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend"
        if TESTING
        else "django_tasks_db.DatabaseBackend"
    }
}
# Progress of long work is shared between the worker and the web processes through files, so it
# is visible while the work's own database transaction is still open.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "progress": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "progress"),
        "TIMEOUT": 7 * 24 * 3600,
    },
}

# Platform imports (docs/import-format.md): limits checked before anything is read.
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_MB", "200")) * 1024 * 1024
IMPORT_MAX_UNPACKED_BYTES = int(os.environ.get("IMPORT_MAX_UNPACKED_MB", "2048")) * 1024 * 1024
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "5000000"))
IMPORT_DIR = DATA_DIR / "imports"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"client_errors": {"()": "zhunong.web.logs.ClientErrorsWithoutTraceback"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["client_errors"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
