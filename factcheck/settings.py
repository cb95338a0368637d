"""Factcheck settings: one module, every deployment value read from the environment.

Production is the default: with DEBUG unset (or 0), SECRET_KEY and ALLOWED_HOSTS must be set
(start-up stops with a message naming what is missing), and normally DATABASE_URL
(PostgreSQL) and REDIS_URL (Celery broker, cache). A laptop asks for debug explicitly with
DEBUG=1 (`make run` does): then nothing else needs setting, the database is a SQLite file in
the project folder and Celery tasks run eagerly in the calling process.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    if value.strip().lower() in {"1", "true", "yes", "on"}:
        return True
    if value.strip().lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}.")


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return float(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}.") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from exc


# Off unless asked for: a server started without DEBUG set is a production server.
DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if DEBUG:
    # Local use only: a fixed development key and local host names.
    SECRET_KEY = SECRET_KEY or "django-insecure-local-development-only-never-use-in-production"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]", "testserver"]
else:
    missing = [
        name
        for name, value in (("SECRET_KEY", SECRET_KEY), ("ALLOWED_HOSTS", ALLOWED_HOSTS))
        if not value
    ]
    if missing:
        raise ImproperlyConfigured(
            "DEBUG is off (the default), so these environment variables must be set: "
            + ", ".join(missing)
            + ". On a laptop, set DEBUG=1 instead (make run does). "
            "SECRET_KEY: a long random string (python -c 'import secrets; "
            "print(secrets.token_urlsafe(50))'); ALLOWED_HOSTS: the comma-separated host names "
            "the site is served under, e.g. factcheck.example.org."
        )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "claims",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "factcheck.middleware.ApiPathsMiddleware",
    "factcheck.middleware.HostileInputMiddleware",
    "factcheck.middleware.ContentSecurityPolicyMiddleware",
    "factcheck.middleware.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "factcheck.middleware.SessionIdleTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "factcheck.urls"
WSGI_APPLICATION = "factcheck.wsgi.application"

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
                "claims.context_processors.desk",
            ],
        },
    },
]

# Database: any URL dj-database-url accepts; unset, a SQLite file in the project folder.
DATABASE_URL = os.environ.get("DATABASE_URL", "").strip()
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL or f"sqlite:///{BASE_DIR / 'factcheck.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a writer instead of failing at once when two requests write together, and take
    # the write lock when a transaction begins (so a read-then-write block, such as the login
    # throttle's count-then-record, cannot interleave with another).
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("FACTCHECK_PASSWORD_MIN_LENGTH", 12)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = (
    [BASE_DIR / "claims" / "static"] if (BASE_DIR / "claims" / "static").is_dir() else []
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

LOGIN_URL = "/accounts/login/"
AUTHENTICATION_BACKENDS = ["claims.security.ThrottledModelBackend"]
# Failed logins allowed per account and per address within the window (claims.security): an
# address over its limit is refused; an account over its limit is refused only from addresses
# that failed recently themselves, so its owner can still sign in from a clean address.
FACTCHECK_LOGIN_FAILURES_PER_USER = env_int("FACTCHECK_LOGIN_FAILURES_PER_USER", 5)
FACTCHECK_LOGIN_FAILURES_PER_IP = env_int("FACTCHECK_LOGIN_FAILURES_PER_IP", 20)
FACTCHECK_LOGIN_WINDOW_MINUTES = env_int("FACTCHECK_LOGIN_WINDOW_MINUTES", 15)
# Behind a reverse proxy: the header it puts the client's address in (e.g. X-Forwarded-For)
# and how many proxies of yours append to it; unset, the peer address (REMOTE_ADDR) counts.
# Set it only when every request comes through those proxies (clients can forge the header).
FACTCHECK_TRUSTED_PROXY_HEADER = os.environ.get("FACTCHECK_TRUSTED_PROXY_HEADER", "").strip()
FACTCHECK_TRUSTED_PROXY_COUNT = env_int("FACTCHECK_TRUSTED_PROXY_COUNT", 1)
# A session unused for this long ends (factcheck.middleware.SessionIdleTimeoutMiddleware).
FACTCHECK_SESSION_IDLE_MINUTES = env_int("FACTCHECK_SESSION_IDLE_MINUTES", 8 * 60)
SESSION_COOKIE_AGE = FACTCHECK_SESSION_IDLE_MINUTES * 60
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"
# Claims at or above this score count as check-worthy in the dashboard queues.
FACTCHECK_CHECKWORTHY_THRESHOLD = env_float("FACTCHECK_CHECKWORTHY_THRESHOLD", 0.5)

# Celery: with REDIS_URL, a Redis broker and real workers; without, tasks run eagerly.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
# The embedded default's real worker: no Redis, but a Celery worker beside the web server with
# the queue in a folder (kombu's filesystem transport); `make run` switches it on and starts
# both. Off and without REDIS_URL, tasks run eagerly in the calling process.
FACTCHECK_EMBEDDED_WORKER = env_bool("FACTCHECK_EMBEDDED_WORKER", False) and not REDIS_URL
FACTCHECK_QUEUE_DIR = Path(os.environ.get("FACTCHECK_QUEUE_DIR", "") or BASE_DIR / ".queue")
CELERY_BROKER_URL = REDIS_URL or ("filesystem://" if FACTCHECK_EMBEDDED_WORKER else "memory://")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL and not FACTCHECK_EMBEDDED_WORKER
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True  # a task whose worker dies is delivered again
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600)
}
if FACTCHECK_EMBEDDED_WORKER:
    for folder in ("messages", "processed"):
        (FACTCHECK_QUEUE_DIR / folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(FACTCHECK_QUEUE_DIR / "messages"),
        "data_folder_out": str(FACTCHECK_QUEUE_DIR / "messages"),
        "processed_folder": str(FACTCHECK_QUEUE_DIR / "processed"),
        "store_processed": False,
    }
# Publishing a task: one quick retry, then the caller answers 503 (claims.services).
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0.2, "interval_step": 0.2}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_TASK_DEFAULT_QUEUE", "celery")
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "factcheck.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# API rate limits are counted where every process sees them: Redis when configured, else the
# database (table `factcheck_throttle`, created by migration 0012). Redis down: the throttle
# lets requests through and logs a warning on every miss (factcheck.cache), never silently.
THROTTLE_CACHE_TABLE = "factcheck_throttle"
CACHES["throttle"] = (
    {**CACHES["default"], "KEY_PREFIX": "throttle"}
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": THROTTLE_CACHE_TABLE,
    }
)

# Mail: the console backend unless an SMTP host is configured.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "factcheck@localhost")

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "claims.api.schema.FactcheckAutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "claims.api.auth.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "claims.api.errors.handle",
    "DEFAULT_THROTTLE_CLASSES": ["claims.api.auth.ClientRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"client": os.environ.get("API_RATE_LIMIT", "600/minute")},
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Factcheck API",
    "DESCRIPTION": (
        "Push articles in, pull claims and published verdicts out, and receive webhooks. "
        "Authenticate with `Authorization: Bearer <token>` (tokens from an editor: "
        "`manage.py create_api_token`, scope `read`, `write` or `webhooks`); each operation "
        "says which scopes (or desk roles, for a logged-in session) it accepts. Every error "
        'is JSON: `{"error": {"status", "code", "message", "fields"?}}`. '
        "Paths work with or without the trailing slash.\n\n"
        "**Webhooks** follow Standard Webhooks (https://www.standardwebhooks.com/): a POST "
        "with headers `webhook-id` (the event id, the same on every retry), "
        "`webhook-timestamp` (Unix seconds) and `webhook-signature: v1,<base64 HMAC-SHA256 "
        "of '<id>.<timestamp>.<body>'>`, keyed with the subscription's secret (`whsec_` + "
        "base64; the key is the decoded bytes). Verify with any Standard Webhooks library, e.g. "
        "`standardwebhooks.Webhook(secret).verify(body, headers)`. The body is "
        "`{id, type, timestamp, data}`; types: `claim.published`, `claim.corrected` "
        "(republished; also sent to `claim.published` subscribers), `claim.reopened` "
        "(withdrawn), `article.extracted` (with counts), `webhook.delivery_failed`, "
        "`webhook.ping`. A non-2xx answer is retried with exponential backoff; the delivery "
        "log is at `/api/v1/webhooks/{id}/deliveries/`."
    ),
    "PATH_CONVERTER_OVERRIDES": {
        "pk": {"type": "integer", "format": "int64", "minimum": 0, "maximum": 2**63 - 1}
    },
    "VERSION": "1.0.0",
    # 3.1 for its `webhooks` section: the events the desk sends, their payloads and signature
    # (claims/api/schema_webhooks.py).
    "OAS_VERSION": "3.1.0",
    "WEBHOOKS": "claims.api.schema_webhooks.WEBHOOKS",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ClaimKindEnum": "claims.models.ClaimKind",
        "ClaimStatusEnum": "claims.models.ClaimStatus",
        "MatchStatusEnum": "claims.models.MatchStatus",
        "ClaimantTypeEnum": "claims.models.ClaimantType",
        "VerdictKindEnum": [("claim", "claim"), ("factcheck", "factcheck")],
    },
}

# Security. Production (DEBUG off) gets HTTPS-only cookies, HSTS and redirects;
# SECURE_SSL_REDIRECT can be switched off where a proxy terminates TLS and redirects itself.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = os.environ.get(
    "CONTENT_SECURITY_POLICY",
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "frame-ancestors 'none'; form-action 'self'",
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # One line per task run is noise in eager mode and in commands.
        "celery.app.trace": {"level": os.environ.get("CELERY_TRACE_LOG_LEVEL", "WARNING")},
    },
}

# Factcheck's own settings.
FACTCHECK_NEWSROOM_NAME = os.environ.get("FACTCHECK_NEWSROOM_NAME", "Factcheck Desk")
FACTCHECK_NEWSROOM_URL = os.environ.get("FACTCHECK_NEWSROOM_URL", "http://127.0.0.1:8000/")
# Two-factor sign-in (TOTP, django-otp): desk members may enable it on /accounts/two-factor/;
# once enabled, every sign-in asks for the code. On: the admin admits only people signed in
# with their code (so an admin must enable it first).
FACTCHECK_ADMIN_REQUIRES_2FA = env_bool("FACTCHECK_ADMIN_REQUIRES_2FA", False)
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Factcheck")
# Where the desk's dashboard is served: links in notification e-mails.
FACTCHECK_DASHBOARD_URL = os.environ.get("FACTCHECK_DASHBOARD_URL", "http://127.0.0.1:8000/")
# Largest article accepted, in bytes of input (file, paste or API body).
FACTCHECK_MAX_ARTICLE_BYTES = env_int("FACTCHECK_MAX_ARTICLE_BYTES", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = FACTCHECK_MAX_ARTICLE_BYTES + 1024 * 1024
# Longest article text accepted, in characters of its body: by default what the extractor
# reads (claims.extraction.pipeline.MAX_CHARS), so a longer text is refused when it is loaded,
# naming this limit, never stored and failed later. Larger than MAX_CHARS is refused at start.
FACTCHECK_MAX_ARTICLE_CHARS = env_int("FACTCHECK_MAX_ARTICLE_CHARS", 2_500_000)
# Uploaded .docx and .pdf files (claims.ingest): how far their contents may inflate in all
# (checked in the zip's directory before a .docx is parsed; per stream for a PDF), the largest
# inflation ratio of one big .docx part, and bounds on the work of reading one file.
FACTCHECK_MAX_DOCUMENT_UNCOMPRESSED_BYTES = env_int(
    "FACTCHECK_MAX_DOCUMENT_UNCOMPRESSED_BYTES", 50 * 1024 * 1024
)
FACTCHECK_MAX_COMPRESSION_RATIO = env_int("FACTCHECK_MAX_COMPRESSION_RATIO", 100)
FACTCHECK_MAX_DOCUMENT_PARTS = env_int("FACTCHECK_MAX_DOCUMENT_PARTS", 1000)
FACTCHECK_MAX_DOCUMENT_PAGES = env_int("FACTCHECK_MAX_DOCUMENT_PAGES", 500)
FACTCHECK_DOCUMENT_PARSE_SECONDS = env_float("FACTCHECK_DOCUMENT_PARSE_SECONDS", 20)
# The public address of a published fact-check, for ClaimReview ({id} is the claim's id).
FACTCHECK_FACTCHECK_URL_TEMPLATE = os.environ.get(
    "FACTCHECK_FACTCHECK_URL_TEMPLATE", FACTCHECK_NEWSROOM_URL.rstrip("/") + "/fact-checks/{id}/"
)
# Outbound fetches (article URLs, webhooks) refuse private and loopback addresses unless on.
FACTCHECK_ALLOW_PRIVATE_URLS = env_bool("FACTCHECK_ALLOW_PRIVATE_URLS", False)
# Off: no outbound fetch at all (article URLs, webhooks), e.g. on an air-gapped desk.
FACTCHECK_FETCH_ENABLED = env_bool("FACTCHECK_FETCH_ENABLED", True)
# Seconds one article fetch may take in all (connect, headers, body, redirects), however
# slowly the server sends: a wall-clock limit, not a per-read timeout.
FACTCHECK_FETCH_TIMEOUT = env_float("FACTCHECK_FETCH_TIMEOUT", 15)
FACTCHECK_WEBHOOK_MAX_ATTEMPTS = env_int("FACTCHECK_WEBHOOK_MAX_ATTEMPTS", 6)
FACTCHECK_WEBHOOK_BACKOFF_SECONDS = env_int("FACTCHECK_WEBHOOK_BACKOFF_SECONDS", 30)
# Seconds a webhook receiver has to answer one delivery in all (a wall-clock limit too).
FACTCHECK_WEBHOOK_TIMEOUT = env_float("FACTCHECK_WEBHOOK_TIMEOUT", 10)
# onnxruntime threads per model session (scoring and embedding) in each process.
FACTCHECK_SCORING_THREADS = env_int("FACTCHECK_SCORING_THREADS", 2)
