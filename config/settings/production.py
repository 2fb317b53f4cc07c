"""Production: everything from the environment; refuses to start without a real secret."""

import os

from documents.crypto import check_file_keys
from fieldcrypt.keys import check_keys

from .base import *  # noqa: F403
from .base import ATTACHMENTS_ROOT, ATTACHMENTS_S3_BUCKET, attachments_storage, env_bool, env_list

SECRET_KEY = os.environ["SECRET_KEY"]
# Refuse to start without the keys of data at rest (fieldcrypt.keys raises a clear error).
FIELD_KEYS = os.environ.get("HOMEWARD_FIELD_KEYS", "")
BLIND_INDEX_KEYS = os.environ.get("HOMEWARD_BLIND_INDEX_KEYS", "")
BACKUP_KEY = os.environ.get("HOMEWARD_BACKUP_KEY", "")
check_keys(FIELD_KEYS, BLIND_INDEX_KEYS, BACKUP_KEY)
# Attachments (documents/crypto.py): their own keys, required too.
FILE_KEYS = os.environ.get("HOMEWARD_FILE_KEYS", "")
check_file_keys(FILE_KEYS, FIELD_KEYS, BLIND_INDEX_KEYS, BACKUP_KEY)
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
# Superusers and staff in production: two factors unless every user already needs them.
OTP_REQUIRED_FOR_ALL = env_bool("OTP_REQUIRED_FOR_ALL", False)
OTP_REQUIRED_FOR_STAFF = env_bool("OTP_REQUIRED_FOR_STAFF", True)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "attachments": attachments_storage(ATTACHMENTS_S3_BUCKET, ATTACHMENTS_ROOT),
}

# Production sends real email (SMTP unless EMAIL_BACKEND says otherwise).
_backend = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
MAILERS = {
    "default": {
        "BACKEND": _backend,
        "OPTIONS": {
            "host": os.environ.get("EMAIL_HOST", "localhost"),
            "port": int(os.environ.get("EMAIL_PORT", "587")),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", True),
            "timeout": 10,
        }
        if _backend.endswith("smtp.EmailBackend")
        else {},
    }
}
