"""Settings for the ITA Portal. Everything that differs between machines comes from the
environment (see README.md, "Settings")."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .env import env_bool, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable "
            "(a long random string) or run with DEBUG=1 for local development."
        )
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
CSRF_FAILURE_VIEW = "ita_portal.views.csrf_failure"  # a Thai page: reload and try again

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",  # passkeys, the second factor offered first (signin/passkeys.py)
    "ita_portal",
    "common",
    "assessments",
    "people",
    "signin",
    "measures",
    "notifications",
    "imports",
    "reports",
    "library",
    "oit",
    "publicsite",
    "ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The client's address, for every audit row the request writes (common/client.py).
    "common.client.ClientAddressMiddleware",
    # Staff pages and downloads: Cache-Control: no-store on every answer (ita_portal/middleware.py).
    "ita_portal.middleware.NoStoreMiddleware",
    # An over-long address (414) or a form in another charset (400): Thai pages before anything
    # reads the request (ita_portal/middleware.py).
    "ita_portal.middleware.RequestLimitsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    # Cached public pages for visitors without a session are answered here (public_cache.py).
    "common.public_cache.PublicCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # A body's former address (renamed) answers 301 to its current one (assessments/slugs.py).
    "assessments.slugs.FormerSlugRedirectMiddleware",
    # A 403 anywhere (a refused CSRF check too) and a 404 on /app/: security log rows (assessments/security_log.py).
    "assessments.security_log.RefusedAccessMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # A second factor where one is needed: the code step or enrolment first (signin/otp.py).
    "signin.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A 405 (a GET on a POST-only address) gets the Thai page instead of an empty body.
    "ita_portal.middleware.MethodNotAllowedPageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # django-axes must come last: it turns lockouts into responses.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "ita_portal.urls"
WSGI_APPLICATION = "ita_portal.wsgi.application"

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
                "ita_portal.context_processors.roles",
                "notifications.context_processors.bell",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL")
if not DATABASE_URL:
    VAR_DIR.mkdir(exist_ok=True)  # the default SQLite file lives here; git ignores it
    DATABASE_URL = f"sqlite:///{VAR_DIR / 'ita_portal.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
# Behind PgBouncer in transaction mode (docs/DEPLOYMENT.md): no server-side cursors.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool("DB_PGBOUNCER", False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Two people saving at once behave as on PostgreSQL: every transaction takes the write
    # lock when it begins (IMMEDIATE), so the second waits (up to the busy timeout) instead of
    # failing with "database is locked", then meets the version check and gets the Thai
    # conflict message. WAL lets readers go on while one writes.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("SQLITE_BUSY_TIMEOUT", 30),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Everyone who signs in here is staff: at least 12 characters, not like one's name or email, not on
# the offline list of breached passwords, not digits only; each with its Thai message
# (common/passwords.py; docs/SECURITY.md).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "common.passwords.UserAttributeSimilarityValidator"},
    {"NAME": "common.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "common.passwords.BreachedPasswordValidator"},
    {"NAME": "common.passwords.NumericPasswordValidator"},
]

LANGUAGE_CODE = "th"
# Thai only, whatever the browser asks for: the portal's own strings are written in Thai (the
# source language) and have no English catalogue yet, so offering "en" would give a browser set
# to English a page half in English (Django's and the admin's strings) and half in Thai. An
# English locale is added here together with its catalogue.
LANGUAGES = [("th", "ไทย")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_URL = "/media/"
STORAGES = {
    # Uploaded and published files. For S3-compatible object storage install django-storages
    # and set MEDIA_STORAGE_BACKEND=storages.backends.s3.S3Storage (+ its AWS_* variables).
    "default": {"BACKEND": env_str("MEDIA_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage")},
    # WhiteNoise serves the collected static files with compression and long cache headers.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_MAX_AGE = env_int("STATIC_MAX_AGE", 7 * 24 * 60 * 60)
WHITENOISE_USE_FINDERS = DEBUG  # `make run` serves static/ without collectstatic

# Published PDFs: by default the app sends the file itself. Behind nginx set
# PUBLISHED_FILE_HEADER=X-Accel-Redirect (or X-Sendfile for Apache/lighttpd) and
# PUBLISHED_FILE_PREFIX to the internal location that maps to MEDIA_ROOT; the app then
# checks the file's SHA-256 once per process and lets the web server send the bytes.
PUBLISHED_FILE_HEADER = env_str("PUBLISHED_FILE_HEADER", "")
PUBLISHED_FILE_PREFIX = env_str("PUBLISHED_FILE_PREFIX", "/protected-media/")
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "app-home"
LOGOUT_REDIRECT_URL = "home"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Cache: Redis when REDIS_URL is set (shared by every app process), else per process.
REDIS_URL = env_str("REDIS_URL", "")
CACHES = {"default": {"BACKEND": "common.redis_cache.RedisCache", "LOCATION": REDIS_URL}
          if REDIS_URL else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Anonymous public pages and downloads are cached this long at most (common/public_cache.py).
PUBLIC_CACHE_SECONDS = env_int("PUBLIC_CACHE_SECONDS", 300)
# A supervisor's dashboard page is kept until any body of their area changes (at most this).
DASHBOARD_CACHE_SECONDS = env_int("DASHBOARD_CACHE_SECONDS", 600)
# An editor's plan page likewise, until anything of the body changes (0: off).
PLAN_PAGE_CACHE_SECONDS = env_int("PLAN_PAGE_CACHE_SECONDS", 600)

# Background work (django-tasks; the same API as Django 6's django.tasks). The database
# backend needs no other service: run workers with `manage.py db_worker` (make worker).
TASKS = {"default": {"BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

# Notifications and reminders (notifications/, `manage.py send_reminders`; docs/DEPLOYMENT.md).
# Links in their e-mails start with PORTAL_URL (below, with the other mail settings).
NOTIFY_DUE_DAYS = sorted({int(d) for d in env_list("NOTIFY_DUE_DAYS", ["14", "7", "1"])}, reverse=True)
NOTIFY_REVIEW_DAYS = env_int("NOTIFY_REVIEW_DAYS", 3)  # an approver is reminded after this many days
NOTIFY_DIGEST_WEEKDAY = env_int("NOTIFY_DIGEST_WEEKDAY", 0)  # supervisors' weekly digest: 0 = Monday
NOTIFY_PLAN_DUE = env_str("NOTIFY_PLAN_DUE", "")  # "MM-DD" in the plan's fiscal year; empty: plans have none
NOTIFY_MAX_ATTEMPTS = env_int("NOTIFY_MAX_ATTEMPTS", 6)  # then the e-mail stays "failed" for the admin
# A body's OIT year (oit/, docs/OIT.md): uploads, the link checker, the reminder before the OIT window.
OIT_UPLOAD_MAX_BYTES = env_int("OIT_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
OIT_LINK_CHECK_TIMEOUT = env_int("OIT_LINK_CHECK_TIMEOUT", 10)  # seconds per request
OIT_LINK_CHECK_AFTER_SAVE = env_bool("OIT_LINK_CHECK_AFTER_SAVE", True)  # a check queued when an address changes
# Tests only: let the checker fetch 127.0.0.1 (a local http.server). Never in production (SSRF).
OIT_LINK_CHECK_ALLOW_LOCAL = env_bool("OIT_LINK_CHECK_ALLOW_LOCAL", False)
OIT_WINDOW_OPENS = env_str("OIT_WINDOW_OPENS", "03-01")  # MM-DD: ITAS takes OIT answers from then (Mar–Apr)
OIT_WINDOW_REMIND_DAYS = env_int("OIT_WINDOW_REMIND_DAYS", 14)  # days before it, bodies with unanswered items
# LINE beside e-mail (notifications/line.py; docs/DEPLOYMENT.md "LINE"): the Official Account's
# Messaging API channel. Off unless both the access token and the channel secret are set.
LINE_CHANNEL_ACCESS_TOKEN = env_str("LINE_CHANNEL_ACCESS_TOKEN", "")
LINE_CHANNEL_SECRET = env_str("LINE_CHANNEL_SECRET", "")  # checks X-Line-Signature of every webhook delivery
LINE_API_URL = env_str("LINE_API_URL", "https://api.line.me").rstrip("/")  # tests: a local stand-in
LINE_OA_ID = env_str("LINE_OA_ID", "")  # the Official Account's ID (e.g. @123abcde), shown on the settings page
LINE_DIGEST_HOUR = env_int("LINE_DIGEST_HOUR", 8)  # local hour from which the day's LINE digest is made
LINE_MONTHLY_QUOTA = env_int("LINE_MONTHLY_QUOTA", 0)  # the plan's messages a month, when LINE cannot be asked
LINE_TIMEOUT = env_int("LINE_TIMEOUT", 10)  # seconds per request to the Messaging API

# A PDF render that runs longer than this is stopped with reports.render.RenderTimeout (well
# inside gunicorn's 60 s worker timeout); 0 turns the limit off. See reports/render.py.
RENDER_TIMEOUT_SECONDS = env_int("RENDER_TIMEOUT_SECONDS", 20)
# Staff previews (reports/previews.py; docs/ARCHITECTURE.md "Previews"): a request renders one
# itself at most this long (where it can be stopped; 0: always the worker), a worker's render is
# stopped past the second, and a kept preview nobody read for PREVIEW_KEEP_DAYS is removed.
PREVIEW_INLINE_SECONDS = env_float("PREVIEW_INLINE_SECONDS", 1.0)
PREVIEW_RENDER_TIMEOUT_SECONDS = env_int("PREVIEW_RENDER_TIMEOUT_SECONDS", 120)
PREVIEW_KEEP_DAYS = env_int("PREVIEW_KEEP_DAYS", 7)
# A published file no database row names (left by a crash mid-publish) is removed by the sweep
# once it is older than this (reports/files.py; far longer than a publish's transaction).
FILE_SWEEP_MINUTES = env_int("FILE_SWEEP_MINUTES", 10)

# Score files larger than this are refused before they are parsed.
SCORE_IMPORT_MAX_BYTES = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024

# Sign-in rate limit (django-axes): five failures for one user name from one address
# lock that pair out for 15 minutes.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_IPWARE_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 0)

# One-time passwords (django-otp, signin/otp.py). OTP_REQUIRED: every staff member (the system
# administrator, the supervisors, every body's editors and approvers) must sign in with a second
# factor (a passkey or a code from an authenticator app) as well as the password;
# on by default in production, off with DEBUG (`make run` stays password-only). Anyone else may
# turn it on for themselves; once on, sign-in always asks for the code.
OTP_REQUIRED = env_bool("OTP_REQUIRED", not DEBUG)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "ITA Portal")  # the account's name in the authenticator app
OTP_TOTP_THROTTLE_FACTOR = 1  # after n wrong codes wait 2^(n-1) seconds (django-otp's throttling)
OTP_STATIC_THROTTLE_FACTOR = 1
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Passkeys (django-otp-webauthn, signin/passkeys.py): a second factor only, after the password. The
# relying party is OTP_WEBAUTHN_RP_ID or the host name the site is reached at; passkeys are accepted
# from OTP_WEBAUTHN_ALLOWED_ORIGINS (https://<each of ALLOWED_HOSTS> unless set) and, on localhost only,
# from the request's own origin.
OTP_WEBAUTHN_RP_ID = env_str("OTP_WEBAUTHN_RP_ID", "")
OTP_WEBAUTHN_RP_ID_CALLABLE = "signin.passkeys.rp_id"
OTP_WEBAUTHN_RP_NAME = OTP_TOTP_ISSUER
OTP_WEBAUTHN_ALLOWED_ORIGINS = env_list("OTP_WEBAUTHN_ALLOWED_ORIGINS", [
    f"https://{host}" for host in ALLOWED_HOSTS if host and host != "*" and not host.startswith(".")]
    or ["https://localhost"])
OTP_WEBAUTHN_HELPER_CLASS = "signin.passkeys.PortalWebAuthnHelper"
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False

# Content-Security-Policy (django-csp): scripts only from our own static files, never inline.
# Inline style attributes are allowed (Bootstrap components and templates use them).
from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Sessions are read from the shared cache and written through to the database (every signed-in
# request reads its session; a query less on each): only with Redis, which every process shares
# (a per-process cache would keep a signed-out session alive in the other processes).
SESSION_ENGINE = ("django.contrib.sessions.backends.cached_db" if REDIS_URL
                  else "django.contrib.sessions.backends.db")
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Off only for a local benchmark over plain HTTP (bench/load.py); never in a deployment.
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if env_bool("BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Outgoing mail (docs/DEPLOYMENT.md, "Mail"). With DEBUG (`make run`) every message is written
# as a file under var/mail/ instead, so a developer can read what was sent.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.filebased.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = Path(env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail")))
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)  # STARTTLS, usually port 587
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)  # TLS from the start, usually port 465
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on; choose one.")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)  # seconds; a page waits at most this for the mail server
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "ITA Portal <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The portal's public address: every link in its mail starts with it (notifications, reminders,
# the unsubscribe link, invitations sent by commands; a page sending an invitation uses the
# request's). The default suits `make run` only: with DEBUG off a missing or loopback PORTAL_URL
# is a system-check error (ita_portal/checks.py), so migrate, the worker and commands refuse to run.
PORTAL_URL = env_str("PORTAL_URL", "http://127.0.0.1:8000")
# An invitation link works once, for this many days after it was sent (people/invitations.py).
INVITATION_DAYS = env_int("INVITATION_DAYS", 7)
# A password-reset link works for this many seconds (Django's default: 3 days).
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 60 * 60 * 24)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint subsets fonts with fontTools where HarfBuzz's subsetter is missing, and while it
    # does it turns fontTools' logger up to DEBUG to collect its warnings (which it logs again as
    # its own): without this, every table pruned reached the console (about 1,300 lines for
    # `setup_demo`). fontTools' records stop at its own logger, which prints WARNING and above.
    "loggers": {"fontTools": {"handlers": ["console"], "level": "WARNING", "propagate": False}},
}
