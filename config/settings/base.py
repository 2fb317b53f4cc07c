"""Settings shared by every environment. Anything that differs between machines is read
from the environment; the split modules (local, test, production) only choose defaults."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
import django.conf.locale
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = env("SECRET_KEY", "insecure-local-only-key-never-use-in-production")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "django.contrib.postgres",
    "guardian",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_countries",
    "phonenumber_field",
    "simple_history",
    "fieldcrypt",
    "partners",
    "cases",
    "referrals",
    "repatriation",
    "reintegration",
    "exports",
    "notifications",
    "audit",
    "api",
    "reports",
    "submissions",
    "documents",
    "identification",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages gzipped only for requests from our own pages (BREACH: config/http.py).
    "config.http.SameOriginGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "config.middleware.RejectNulMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Signed-in pages: Cache-Control no-store; logout clears the site's storage on the phone.
    "config.http.PrivatePagesMiddleware",
    "config.middleware.UserLanguageMiddleware",
    # Change history records the logged-in user who made each change (django-simple-history).
    "simple_history.middleware.HistoryRequestMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages: both log out or redirect with a message.
    "partners.middleware.SessionIdleTimeoutMiddleware",
    "partners.middleware.TwoFactorEnforcementMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: turns a lockout flagged during the request into its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
# Form widgets render with the project's template settings, so that templates/django/forms/
# can replace Django's slow per-option select template.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.navigation.nav_items",
                "config.pwa.outbox_context",
            ],
            "builtins": ["partners.templatetags.people", "config.template_builtins"],
        },
    },
]

# DATABASE_URL wins everywhere; each environment module sets its own default.
DEFAULT_DATABASE_URL = "sqlite:///" + str(BASE_DIR / "var" / "homeward.sqlite3")
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", DEFAULT_DATABASE_URL) or DEFAULT_DATABASE_URL, conn_max_age=60
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "partners.User"
AUTHENTICATION_BACKENDS = [
    # First, as django-axes requires: refuses a locked-out username before any password check.
    "partners.backends.LockoutBackend",
    "partners.backends.OrganizationModelBackend",
    # Object permissions: user.has_perm(perm, case) answers role ∩ organisation grant through
    # cases.access, in place of guardian's backend (which would answer the grant alone).
    "cases.backends.CaseAccessBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-guardian: case permissions live in direct foreign-key tables (cases.models), which
# guardian finds by their content_object FK; its generic tables stay empty.
# No anonymous user: every page needs a login.
ANONYMOUS_USER_NAME = None
# guardian warns when its own backend is not installed; cases.backends.CaseAccessBackend
# answers object permissions instead (docs/architecture.md, the access model).
SILENCED_SYSTEM_CHECKS = ["guardian.W001"]

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("km", _("Khmer")),
    ("th", _("Thai")),
    ("vi", _("Vietnamese")),
    ("lo", _("Lao")),
    ("my", _("Burmese")),
    ("zh-hans", _("Simplified Chinese")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]
# Django knows no Lao, and names Khmer in English: the switcher shows each language in its
# own script, so that a person who reads only that script can find it.
django.conf.locale.LANG_INFO.setdefault(
    "lo", {"bidi": False, "code": "lo", "name": "Lao", "name_local": "ລາວ"}
)
django.conf.locale.LANG_INFO["km"] = {**django.conf.locale.LANG_INFO["km"], "name_local": "ខ្មែរ"}
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names and .br/.gz files after `collectstatic` (make run, make test, Dockerfile);
    # plain names from the source folders before it (config/storage.py). Production: strict.
    "staticfiles": {"BACKEND": "config.storage.StaticStorage"},
}
# whitenoise: hashed names are cached for a year (immutable), other static files 60 s.
# Private files (PDF exports): outside any URL, served only through permission-checking views.
PRIVATE_FILES_ROOT = Path(env("PRIVATE_FILES_ROOT", str(BASE_DIR / "var" / "private")) or "")

# Attachments (documents/, docs/documents.md): encrypted before they reach this storage.
# The local file system under the private files (so that `manage.py backup` takes them; never
# under MEDIA or STATIC, no URL) unless ATTACHMENTS_S3_BUCKET names an S3-compatible bucket
# (django-storages; credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, as boto3
# reads them).
ATTACHMENTS_ROOT = Path(env("ATTACHMENTS_ROOT", str(PRIVATE_FILES_ROOT / "attachments")) or "")
ATTACHMENTS_S3_BUCKET = env("ATTACHMENTS_S3_BUCKET", "")


def attachments_storage(bucket: str | None, root: Path) -> dict:
    if bucket:
        return {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": env("ATTACHMENTS_S3_ENDPOINT_URL") or None,
                "region_name": env("ATTACHMENTS_S3_REGION") or None,
                "location": "attachments",
                "default_acl": "private",
                "querystring_auth": True,
                "file_overwrite": False,
                "addressing_style": env("ATTACHMENTS_S3_ADDRESSING_STYLE") or None,
            },
        }
    return {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": str(root),
            "base_url": None,
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    }


STORAGES["attachments"] = attachments_storage(ATTACHMENTS_S3_BUCKET, ATTACHMENTS_ROOT)
# Limits of one upload (validation in documents/validation.py, the page and the API alike).
ATTACHMENT_MAX_BYTES = int(env("ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)) or 10485760)
ATTACHMENT_MAX_FILES = int(env("ATTACHMENT_MAX_FILES", "10") or 10)
# An image larger than this many pixels is refused as a possible decompression bomb.
ATTACHMENT_MAX_PIXELS = int(env("ATTACHMENT_MAX_PIXELS", str(40_000_000)) or 40_000_000)

# Data at rest (fieldcrypt, docs/security.md): "kid:base64key,…", the first is current.
# Identity fields are encrypted with FIELD_KEYS; search uses HMACs under BLIND_INDEX_KEYS;
# backups are encrypted with BACKUP_KEY. Without them identity can be neither read nor written.
FIELD_KEYS = env("HOMEWARD_FIELD_KEYS", "")
BLIND_INDEX_KEYS = env("HOMEWARD_BLIND_INDEX_KEYS", "")
BACKUP_KEY = env("HOMEWARD_BACKUP_KEY", "")
# Attachments' files (documents/crypto.py), the same format; never one of the keys above.
FILE_KEYS = env("HOMEWARD_FILE_KEYS", "")
BACKUP_DIR = Path(env("HOMEWARD_BACKUP_DIR", str(BASE_DIR / "var" / "backups")) or "")

# Email: no victim details ever go by email (see notifications/). Django 6.1 MAILERS.
EMAIL_BACKEND_PATH = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
_mail_options: dict[str, object] = {}
if EMAIL_BACKEND_PATH and EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend"):
    _mail_options = {
        "host": env("EMAIL_HOST", "localhost"),
        "port": int(env("EMAIL_PORT", "25") or 25),
        "username": env("EMAIL_HOST_USER", ""),
        "password": env("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
        "timeout": 10,
    }
elif EMAIL_BACKEND_PATH and EMAIL_BACKEND_PATH.endswith("filebased.EmailBackend"):
    _mail_options = {"file_path": env("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))}
MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_PATH, "OPTIONS": _mail_options}}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Homeward <no-reply@homeward.invalid>")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")

# Celery. Without REDIS_URL tasks run in-process (the embedded default of `make run`).
REDIS_URL = env("REDIS_URL")
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
# Publishing gives up fast: the outbox rows are the truth and a periodic sweep re-publishes.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "max_retries": 1}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "notifications-sweep": {
        "task": "notifications.tasks.sweep_unsent",
        # With notifications.services.SWEEP_AFTER: email within ~30 s of recovery.
        "schedule": timedelta(seconds=10),
    },
    "exports-expire": {"task": "exports.tasks.expire_exports", "schedule": timedelta(hours=1)},
    "submissions-purge": {"task": "submissions.tasks.purge_tokens", "schedule": timedelta(hours=6)},
    "exports-fail-stuck": {
        "task": "exports.tasks.fail_stuck_exports",
        "schedule": timedelta(minutes=5),
    },
    "referrals-reminders": {
        "task": "referrals.tasks.send_reminders",
        "schedule": timedelta(minutes=10),
    },
    # Each overdue step is flagged once; hourly is soon enough for due dates kept in days.
    "repatriation-flag-overdue-steps": {
        "task": "repatriation.tasks.flag_overdue_steps",
        "schedule": timedelta(hours=1),
    },
    # Overdue follow-ups after a return: the assigned organisation is reminded once.
    "reintegration-follow-up-reminders": {
        "task": "reintegration.tasks.send_follow_up_reminders",
        "schedule": timedelta(hours=1),
    },
    # Closed cases past the retention period lose their identity (cases.retention).
    "cases-anonymise-expired": {
        "task": "cases.tasks.anonymise_expired_cases",
        "schedule": timedelta(days=1),
    },
    # Web Push deliveries still unsent (notifications/push.py).
    "notifications-push-sweep": {
        "task": "notifications.tasks.sweep_unsent_pushes",
        # The same cadence as the email sweep (notifications.push.SWEEP_AFTER).
        "schedule": timedelta(seconds=10),
    },
    # Kept API answers may hold identity: deleted once a client can no longer retry.
    "api-purge-idempotency-records": {
        "task": "api.tasks.purge_idempotency_records",
        "schedule": timedelta(hours=1),
    },
}
# How long the answer to an API create call is kept for a retry with its Idempotency-Key.
IDEMPOTENCY_KEEP = timedelta(hours=int(env("IDEMPOTENCY_KEEP_HOURS", "24") or 24))

# Rate limits and other shared counters need one cache for all processes: Redis when there is
# one, else per-process memory (the embedded `make run`).
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# REST API (api/): session auth for the browser, expiring tokens for partner systems.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.IsOrganisationMember"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.PerTokenThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": "10/minute", "per_token": "600/minute"},
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["config.parsers.DepthLimitedJSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Homeward API",
    "DESCRIPTION": (
        "Case management for the partners answering human trafficking in the Mekong region. "
        "Every endpoint applies the same access rules as the pages: a case the caller may not "
        "see answers 404, and identity fields are absent without the view-identity permission."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_error_responses",
    ],
    # Several vocabularies share the field name "status": name their enums.
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "cases.vocab.CaseStatus",
        "ReferralStatusEnum": "referrals.models.ReferralStatus",
        "PlanStatusEnum": "repatriation.models.PlanStatus",
        "StepStatusEnum": "repatriation.models.StepStatus",
        "AttachmentKindEnum": "documents.models.AttachmentKind",
        "ServiceTypeEnum": "reintegration.vocab.ServiceType",
        "FollowUpMethodEnum": "reintegration.vocab.Method",
        "ConsentMethodEnum": "cases.vocab.ConsentMethod",
        "ReferralServiceEnum": "referrals.models.ReferralService",
    },
}
API_TOKEN_TTL_HOURS = int(env("API_TOKEN_TTL_HOURS", str(24 * 30)) or 720)

# Security headers. Content Security Policy with Django's built-in support: scripts only from
# our own static files, no inline scripts.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12

# Accounts (docs/security.md). Two-factor authentication (django-otp, TOTP + backup codes) is
# required for these roles; OTP_REQUIRED_FOR_ALL=true requires it of every user, superusers
# included. Other users may enrol voluntarily.
OTP_REQUIRED_ROLES = env_list("OTP_REQUIRED_ROLES", "coordinator,org_admin")
OTP_REQUIRED_FOR_ALL = env_bool("OTP_REQUIRED_FOR_ALL", False)
# Staff and superusers (the Django admin); production turns this on.
OTP_REQUIRED_FOR_STAFF = env_bool("OTP_REQUIRED_FOR_STAFF", False)
OTP_TOTP_ISSUER = "Homeward"
# The Django admin never shows authenticator secrets or backup codes (it can delete devices).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Seconds a password-checked login may wait for its code before starting over.
OTP_LOGIN_TIMEOUT_SECONDS = 300
# Idle sessions end: the next request after this many quiet seconds logs out.
SESSION_IDLE_TIMEOUT_SECONDS = int(env("SESSION_IDLE_TIMEOUT_SECONDS", str(30 * 60)) or 1800)
# Lockout after repeated failures (django-axes), password and code failures alike: a username
# with that many failures is locked, and so is an address with that many (password spraying
# across usernames). Org admins unlock their users; platform admins in the Django admin.
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5") or 5)
AXES_COOLOFF_TIME = timedelta(minutes=int(env("AXES_COOLOFF_MINUTES", "30") or 30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "partners.views.lockout_response"
# Our audit log records logins; axes keeps only what it needs to count failures.
AXES_DISABLE_ACCESS_LOG = True
AXES_SENSITIVE_PARAMETERS = ["password", "otp_token", "csrfmiddlewaretoken"]
# Invitation and password links stay valid this long.
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3

# Passkeys (WebAuthn) as a second factor (partners/passkeys.py). The relying party is this
# site: its ID is SITE_URL's host and the origin SITE_URL's, unless set here.
WEBAUTHN_RP_ID = env("WEBAUTHN_RP_ID", "")
WEBAUTHN_ORIGIN = env("WEBAUTHN_ORIGIN", "")
WEBAUTHN_RP_NAME = "Homeward"
# A registration or login challenge must be answered within this many seconds, once.
WEBAUTHN_CHALLENGE_SECONDS = 300

# Web Push (notifications/push.py). Keys from the environment (python -m notifications.vapid
# makes a pair); without them the push section of the account page says it is not set up.
VAPID_PUBLIC_KEY = env("VAPID_PUBLIC_KEY", "")
VAPID_PRIVATE_KEY = env("VAPID_PRIVATE_KEY", "")
VAPID_SUBJECT = env("VAPID_SUBJECT", "mailto:admin@homeward.invalid")
# The server POSTs to a subscription's endpoint: only to these push services (and their
# subdomains), over HTTPS, so that a forged subscription cannot make us call anything else.
PUSH_SERVICE_HOSTS = env_list(
    "PUSH_SERVICE_HOSTS",
    "fcm.googleapis.com,updates.push.services.mozilla.com,push.services.mozilla.com,"
    "web.push.apple.com,notify.windows.com",
)
PUSH_ALLOW_HTTP = False
# Kinds pushed to devices unless notify() says otherwise (push=True/False): a new referral,
# a referral past its deadline, a follow-up due. A blocked repatriation step is pushed by
# its caller (push=True for that status only).
PUSH_NOTIFICATION_KINDS = env_list(
    "PUSH_NOTIFICATION_KINDS", "referral_received,referral_overdue,follow_up_due"
)

# Referral deadlines by urgency, in hours (issue: referrals).
REFERRAL_RESPONSE_HOURS = {"immediate": 4, "urgent": 24, "routine": 72}
# Retention: a case closed this many years ago is anonymised (identity removed, statistics
# kept) by a daily task; see docs/security.md.
RETENTION_YEARS = int(env("RETENTION_YEARS", "5") or 5)
EXPORT_EXPIRY_DAYS = int(env("EXPORT_EXPIRY_DAYS", "7") or 7)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # django-axes logs every login at INFO with username and address; failures suffice.
        "axes": {"level": "WARNING"},
    },
}

# Small-cell suppression in the de-identified export: a combination of quasi-identifiers
# shared by fewer records than this is suppressed (docs/reporting.md).
REPORTS_MIN_CELL = 5
