"""mappa settings: everything that varies between machines comes from the environment.

MAPPA_ENV           "development" (default) or "production" (the production posture: see SECURITY.md)
MAPPA_SECRET_KEY    required in production; in development a key is generated under var/ once
DATABASE_URL        e.g. postgres://user@host:5432/mappa; SQLite under var/ when unset
MAPPA_ALLOWED_HOSTS comma-separated host names (production)
MAPPA_IDLE_TIMEOUT_MINUTES  idle sign-out (default 15)
MAPPA_VAR_DIR       where the SQLite database, the development key and built assets live (default ./var)
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("MAPPA_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

MAPPA_ENV = os.environ.get("MAPPA_ENV", "development")
if MAPPA_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(f"MAPPA_ENV must be 'development' or 'production', not {MAPPA_ENV!r}")
PRODUCTION = MAPPA_ENV == "production"
DEBUG = not PRODUCTION and os.environ.get("MAPPA_DEBUG", "1") == "1"


def _secret_key() -> str:
    key = os.environ.get("MAPPA_SECRET_KEY", "")
    if key:
        return key
    if PRODUCTION:
        # Refuse to start: a generated or default key in production would make sessions forgeable
        # on every restart or, worse, identical across installations.
        raise ImproperlyConfigured("MAPPA_SECRET_KEY must be set when MAPPA_ENV=production")
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get(
        "MAPPA_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver"
    ).split(",")
    if h.strip()
]
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("MAPPA_ALLOWED_HOSTS must be set when MAPPA_ENV=production")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",  # widget templates for the TemplatesSetting form renderer
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "mappa.core",
    "mappa.audit",
    "mappa.agencies",
    "mappa.accounts",
    "mappa.people",
    "mappa.nominals",
    "mappa.meetings",
    "mappa.information_sharing",
    "mappa.risk_management",
    "mappa.disclosures",
    "mappa.disclosure_schemes",
    "mappa.subject_access",
    "mappa.web",
    "mappa.demo",
]
# Django's admin is a developer convenience only: it bypasses our services, audit and
# agency scoping, so it is not even installed in production.
if not PRODUCTION:
    INSTALLED_APPS.insert(0, "django.contrib.admin")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "mappa.core.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "mappa.accounts.middleware.IdleTimeoutMiddleware",
    "mappa.accounts.middleware.AccountGateMiddleware",
    "mappa.nominals.opening.ReasonRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "mappa.core.middleware.NoStoreMiddleware",
    # Last, as django-axes asks, so it sees the final response of a sign-in attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mappa.urls"
WSGI_APPLICATION = "mappa.wsgi.application"

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
                "mappa.web.context_processors.service",
            ],
        },
    },
]
FORM_RENDERER = "mappa.web.forms.GovukFormRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'mappa.sqlite3'}",
        conn_max_age=int(os.environ.get("MAPPA_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed while one writer holds the lock; IMMEDIATE makes a write
    # transaction take the lock at BEGIN, so the audit chain's read-then-append cannot interleave.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
    }
else:
    # Server-side prepared statements would pin generic plans for the person search queries
    # (see shared/reference/stack.md); keep the simple protocol.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = None
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first, so a locked-out account is refused before its password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# NCSC / ASVS 5 §6.2: length and a deny-list, no composition rules and no forced expiry.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "mappa.accounts.validators.MaximumLengthValidator"},
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:signed-out"
PASSWORD_RESET_TIMEOUT = int(timedelta(days=3).total_seconds())  # invitation links

# Lock-out (django-axes): 5 failures against one account lock it for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("MAPPA_LOCKOUT_FAILURES", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("MAPPA_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username"]
# Locking by IP address as well would let five typos by different people behind one agency's
# shared network address lock out the whole agency; per-account lock-out is what ASVS asks for.
# models.W040: the people index's covering index (INCLUDE columns) is for PostgreSQL; SQLite
# builds it without them, which is all the demo needs.
SILENCED_SYSTEM_CHECKS = ["axes.W006", "models.W040"]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# django-axes keeps the POST data of failed attempts and masks only the fields named here: every
# password field of every form that authenticates must be listed, or it is stored in clear.
AXES_SENSITIVE_PARAMETERS = [
    "username",
    "ip_address",
    "password",
    "current_password",
    "password1",
    "password2",
]
AXES_VERBOSE = False
# Our audit log records every sign-in already; axes' own access log would duplicate it.
AXES_DISABLE_ACCESS_LOG = True
# How many reverse proxies sit in front of the app: the client address is then taken from
# X-Forwarded-For that many entries from the right (see mappa/core/middleware.py).
MAPPA_PROXY_COUNT = int(os.environ.get("MAPPA_PROXY_COUNT", "0"))

OTP_TOTP_ISSUER = "mappa"
# Two-factor authentication is required for every account in production. The demo lets a
# user without a device skip enrolment, and every page it shows says so.
MAPPA_REQUIRE_2FA = PRODUCTION or os.environ.get("MAPPA_REQUIRE_2FA", "0") == "1"
MAPPA_IDLE_TIMEOUT = timedelta(minutes=int(os.environ.get("MAPPA_IDLE_TIMEOUT_MINUTES", "15")))
MAPPA_IDLE_WARNING = timedelta(minutes=2)
MAPPA_SESSION_MAX_AGE = timedelta(hours=12)

# Weeks from a level being set to the nominal's next review (mappa.nominals). Levels 2 and 3 are
# reviewed at MAPPA meetings at least every 16 and 8 weeks. Level 1 cases are reviewed by the
# lead agency on its own schedule; 52 weeks (an annual review) is the default here, a lead
# agency's own policy may be shorter. A level missing from the mapping gets no review date.
# Override with MAPPA_REVIEW_WEEKS="1:26,2:16,3:8" (level:weeks pairs).
MAPPA_REVIEW_WEEKS = {
    int(level): int(weeks)
    for level, weeks in (
        pair.split(":") for pair in os.environ.get("MAPPA_REVIEW_WEEKS", "1:52,2:16,3:8").split(",") if pair
    )
}

# Sessions end when the browser closes, after the idle timeout, or 12 hours after sign-in
# (MAPPA_SESSION_MAX_AGE, enforced by IdleTimeoutMiddleware: the cookie age alone restarts at
# every request).
SESSION_COOKIE_AGE = int(timedelta(hours=12).total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "mappa.web.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # The __Host- prefix pins the cookie to this host, path / and HTTPS (ASVS 5 §3.3.3).
    SESSION_COOKIE_NAME = "__Host-mappa_session"
    CSRF_COOKIE_NAME = "__Host-mappa_csrf"
    SECURE_SSL_REDIRECT = os.environ.get("MAPPA_SSL_REDIRECT", "1") == "1"
    # Load balancers probe the health check over plain HTTP inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
else:
    SESSION_COOKIE_NAME = "mappa_session"
    CSRF_COOKIE_NAME = "mappa_csrf"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns about a missing root before collectstatic
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("govuk", VAR_DIR / "build" / "govuk"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

EMAIL_BACKEND = os.environ.get(
    "MAPPA_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("MAPPA_FROM_EMAIL", "mappa@localhost")
EMAIL_HOST = os.environ.get("MAPPA_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("MAPPA_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("MAPPA_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("MAPPA_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("MAPPA_EMAIL_TLS", "1" if PRODUCTION else "0") == "1"

DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "mappa": {"level": "INFO"},
        # django-axes logs usernames of failed attempts at INFO; our audit records them instead.
        "axes": {"level": "WARNING"},
    },
}

# The service identity shown in every page's header.
MAPPA_SERVICE_NAME = "mappa"
# /.well-known/security.txt (RFC 9116): where to report a vulnerability in this deployment, a
# "mailto:" or "https:" URI, and optionally the deployment's disclosure policy. No contact, no file.
MAPPA_SECURITY_CONTACT = os.environ.get("MAPPA_SECURITY_CONTACT", "")
MAPPA_SECURITY_POLICY = os.environ.get("MAPPA_SECURITY_POLICY", "")
MAPPA_PHASE = "Beta"

# The cache counts the public form's rate limits, so every worker must share it: a Redis server
# (MAPPA_CACHE_URL=redis://host:6379/0), required in production. Without one (development, tests)
# each process counts alone in local memory, which is enough for one `runserver`.
MAPPA_CACHE_URL = os.environ.get("MAPPA_CACHE_URL", "")
if MAPPA_CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": MAPPA_CACHE_URL,
            "KEY_PREFIX": "mappa",
        }
    }
elif PRODUCTION:
    raise ImproperlyConfigured(
        "MAPPA_CACHE_URL must name a Redis server when MAPPA_ENV=production: the public form's rate "
        "limits are counted there, and a per-worker count lets each worker allow the full limit"
    )

# The public disclosure scheme application form (/apply/, issue 7): how many applications one
# client address may send per hour and per day, and how many answers it may post per minute,
# counted in the shared cache above.
MAPPA_APPLY_RATE_PER_HOUR = int(os.environ.get("MAPPA_APPLY_RATE_PER_HOUR", "5"))
MAPPA_APPLY_RATE_PER_DAY = int(os.environ.get("MAPPA_APPLY_RATE_PER_DAY", "20"))
MAPPA_APPLY_RATE_ANSWERS_PER_MINUTE = int(os.environ.get("MAPPA_APPLY_RATE_ANSWERS_PER_MINUTE", "60"))

# Subject access response bundles (issue 8): a bundle of at most this many released items is built
# at once, in the request that asks for it; larger ones are queued for `manage.py sar_bundles`.
SAR_INLINE_BUNDLE_MAX = int(os.environ.get("MAPPA_SAR_INLINE_BUNDLE_MAX", "20"))
