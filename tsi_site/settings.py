"""TSI settings. Every deploy-specific value comes from the environment (django-environ)."""

import os
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from tsi_site.code_fingerprint import code_fingerprint

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# `make run` writes a local .env (a generated SECRET_KEY); the environment always wins over it.
environ.Env.read_env(os.environ.get("TSI_ENV_FILE", BASE_DIR / ".env"), overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

_DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"
SECRET_KEY = env("SECRET_KEY", default=_DEVELOPMENT_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set in the environment when DEBUG is off.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks_db",
    "schedules",
    "analytics",
    "validation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, which answers static files itself: they get these headers too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tsi_site.request_checks.RequestChecksMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # With a read replica, a user who just uploaded reads report tables from the primary.
    "tsi_site.replica_reads.ReadYourWritesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Last, so a refused login still gets every security header from the middleware above.
    "tsi_site.login_limits.LoginLimitMiddleware",
]

ROOT_URLCONF = "tsi_site.urls"
WSGI_APPLICATION = "tsi_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
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

VAR_DIR = Path(env("TSI_VAR_DIR", default=str(BASE_DIR / "var")))
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'tsi.sqlite3'}")}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
# A kept connection is checked before reuse, so a restart, failover or terminated backend costs
# a reconnect, not a 500 or a dead task worker.
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while a worker writes an ingest.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", "timeout": 30}
    )
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"].setdefault("CONN_MAX_AGE", DATABASES["default"]["CONN_MAX_AGE"])
    DATABASES["replica"].setdefault("CONN_HEALTH_CHECKS", True)
    # Tests treat the replica as the primary itself.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["tsi_site.db_routers.ReportReplicaRouter"]
# How long after their upload finishes an uploader reads report tables from the primary: more
# than the replica's usual lag (tsi_site/replica_reads.py; 0 turns read-your-writes off).
TSI_REPLICA_READ_YOUR_WRITES_SECONDS = env.int("TSI_REPLICA_READ_YOUR_WRITES_SECONDS", default=60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    # plotly.js straight from the installed plotly package, as static/plotly/plotly.min.js
    "tsi_site.web.plotly_static.PlotlyJsFinder",
]
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# The site's own sign-in page, for readers and uploaders; the admin's stays staff-only.
LOGIN_URL = "login"
# Where a login without a (safe) "next" page lands; Django's default, /accounts/profile/, is 404.
LOGIN_REDIRECT_URL = "schedules:home"
# Failed logins from one address, or for one username, within the window before the login
# page answers 429 (tsi_site/login_limits.py; counts live in the cache below).
TSI_LOGIN_FAILURE_LIMIT = env.int("TSI_LOGIN_FAILURE_LIMIT", default=5)
TSI_LOGIN_FAILURE_WINDOW_S = env.int("TSI_LOGIN_FAILURE_WINDOW_S", default=900)

# Parsed report data per schedule (see analytics/frame_cache.py). Per-process memory by default;
# point CACHE_URL at Redis (redis://host:6379/0) to share it between web processes.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://tsi")}
CACHES["default"].setdefault("OPTIONS", {})
if CACHES["default"]["BACKEND"].endswith("LocMemCache"):
    CACHES["default"]["OPTIONS"].setdefault("MAX_ENTRIES", 64)
# Each release reads and writes only its own entries (tsi_site/code_fingerprint.py): a deploy
# starts with an empty cache, login-failure counts and throttling included.
CACHES["default"]["KEY_PREFIX"] = ":".join(
    filter(None, [CACHES["default"].get("KEY_PREFIX"), code_fingerprint(BASE_DIR)])
)
TSI_REPORT_CACHE_SECONDS = env.int("TSI_REPORT_CACHE_SECONDS", default=3600)

TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "ingest"],
    }
}
# How often a worker running an upload job writes its heartbeat (a job is lost after 60 s).
TSI_JOB_HEARTBEAT_SECONDS = env.float("TSI_JOB_HEARTBEAT_SECONDS", default=10.0)

# --- TSI product settings -------------------------------------------------------------------
DATA_SOURCE = env("DATA_SOURCE", default="etl")
TSI_PUBLIC_READ = env.bool("TSI_PUBLIC_READ", default=False)
# Largest accepted schedule or companion file; real possible-periods files are ~110 MB.
TSI_MAX_UPLOAD_BYTES = env.int("TSI_MAX_UPLOAD_BYTES", default=512 * 1024 * 1024)
# Files one upload may carry (schedule, visibility, dark periods): bounds a request's body.
TSI_MAX_UPLOAD_FILES = 3
# Schedule files one bulk upload may carry; together they stay within the same request limit
# (TSI_MAX_UPLOAD_FILES × TSI_MAX_UPLOAD_BYTES), and below DATA_UPLOAD_MAX_NUMBER_FILES (100).
TSI_MAX_BATCH_FILES = env.int("TSI_MAX_BATCH_FILES", default=50)
# Most blocks and visibility periods one schedule may hold: about ten times a real schedule
# (2,650 blocks, 100–300 periods each). Bounds the memory of an ingest and of every report.
TSI_MAX_BLOCKS = env.int("TSI_MAX_BLOCKS", default=30_000)
TSI_MAX_PERIODS = env.int("TSI_MAX_PERIODS", default=8_000_000)
# Deepest JSON nesting accepted in an input file; real files nest 7 levels.
TSI_MAX_JSON_DEPTH = env.int("TSI_MAX_JSON_DEPTH", default=64)
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=10 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# First: cuts an upload off as soon as one file passes TSI_MAX_UPLOAD_BYTES, whatever the
# request declared.
FILE_UPLOAD_HANDLERS = [
    "tsi_site.upload_limits.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Token first: an anonymous request then gets 401 with `WWW-Authenticate: Token`.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["tsi_site.api.access.ScheduleAccess"],
    "DEFAULT_RENDERER_CLASSES": ["tsi_site.api.rendering.ORJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "tsi_site.api.rendering.ORJSONParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": [],
    "DEFAULT_PAGINATION_CLASS": "tsi_site.api.pagination.PageNumberPagination",
    "PAGE_SIZE": env.int("TSI_API_PAGE_SIZE", default=100),
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("TSI_API_ANON_RATE", default="100/minute"),
        "user": env("TSI_API_USER_RATE", default="1000/minute"),
    },
    # Proxies in front of the app (load balancer…), so throttling sees the client's address.
    # 0: client addresses come from the socket; X-Forwarded-For counts only behind proxies.
    "NUM_PROXIES": env.int("TSI_API_NUM_PROXIES", default=0),
    "EXCEPTION_HANDLER": "tsi_site.api.errors.api_exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "TSI API",
    "DESCRIPTION": (
        "Telescope Scheduling Intelligence: upload observing schedules and read the same "
        "analytics as the report pages. Authenticate with `Authorization: Token <key>` (tokens "
        "from the admin or `manage.py issue_token USERNAME`) or a logged-in session. Errors are "
        'always JSON `{"code", "message", "details"}`. Bulk chart data is columnar: one array '
        "per field. Times are MJD (UTC)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its docs page are read like everything else (TSI_PUBLIC_READ).
    "SERVE_PERMISSIONS": ["tsi_site.api.access.ScheduleAccess"],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "tsi_site.api.schema.describe_path_parameters",
    ],
    "PATH_CONVERTER_OVERRIDES": {
        "dbid": {"type": "integer", "minimum": 0, "maximum": 999_999_999_999_999_999}
    },
    "TAGS": [
        {"name": "schedules", "description": "Upload, list, read, export and delete schedules."},
        {"name": "blocks", "description": "Scheduling blocks of a schedule; streamed exports."},
        {"name": "pages", "description": "The data behind each report page, same filters."},
        {"name": "validation", "description": "The validation report."},
        {"name": "jobs", "description": "Upload (ingest) jobs."},
        {"name": "health", "description": "Liveness and database check."},
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "tsi_site.log_formatting.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env("LOG_FORMAT", default="plain"),
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Security ---------------------------------------------------------------------------------
# Secure by default whenever DEBUG is off; a deployment behind a TLS-terminating proxy sets
# BEHIND_TLS_PROXY=true so Django trusts its X-Forwarded-Proto header.
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline scripts anywhere: every chart is drawn by one static script from JSON data.
# Plotly sets style attributes and injects <style> elements, hence 'unsafe-inline' for styles.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
