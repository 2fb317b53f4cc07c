"""The test suite: real PostgreSQL and Redis on this machine unless told otherwise.

A Celery worker started by the suite (tests/celery_worker.py) loads these settings too, with
DATABASE_URL pointing at the test database and EMAIL_BACKEND at a folder the test reads."""

import os
from pathlib import Path

import dj_database_url

from .base import *  # noqa: F403
from .base import BASE_DIR, env_bool

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/homeward")
    )
}
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
CELERY_BROKER_URL = REDIS_URL
# Tests run tasks in-process so that each test sees their effect; the task integration tests
# switch to a real worker process (tests/celery_worker.py).
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", True)
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_TASK_DEFAULT_QUEUE", "celery")
if os.environ.get("EMAIL_BACKEND", "").endswith("filebased.EmailBackend"):
    MAILERS = {
        "default": {
            "BACKEND": os.environ["EMAIL_BACKEND"],
            "OPTIONS": {"file_path": os.environ["EMAIL_FILE_PATH"]},
        }
    }
elif not os.environ.get("EMAIL_BACKEND", "").endswith("smtp.EmailBackend"):
    # (A worker told to use SMTP keeps base's MAILERS: EMAIL_HOST and EMAIL_PORT.)
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
PRIVATE_FILES_ROOT = BASE_DIR / "var" / "test-private"
# Fixed test keys (not secret): two field keys so that rotation can be tested.
FIELD_KEYS = os.environ.get(
    "HOMEWARD_FIELD_KEYS",
    "t1:dGVzdC1vbmx5LWZpZWxkLWtleS0wMDAwMDAwMDAwMDE=,t0:dGVzdC1vbmx5LWZpZWxkLWtleS0wMDAwMDAwMDAwMDA=",
)
BLIND_INDEX_KEYS = os.environ.get(
    "HOMEWARD_BLIND_INDEX_KEYS", "b1:dGVzdC1vbmx5LWJsaW5kLWluZGV4LWtleS0wMDAwMDE="
)
BACKUP_KEY = os.environ.get(
    "HOMEWARD_BACKUP_KEY", "k1:dGVzdC1vbmx5LWJhY2t1cC1rZXktMDAwMDAwMDAwMDE="
)
BACKUP_DIR = BASE_DIR / "var" / "test-backups"
# Attachments: two fixed file keys (rotation is tested), files under var/ (a worker started
# by the suite inherits ATTACHMENTS_ROOT from the environment when a test moves it).
FILE_KEYS = os.environ.get(
    "HOMEWARD_FILE_KEYS",
    "f1:dGVzdC1vbmx5LWZpbGUta2V5LTAwMDAwMDAwMDAwMDE=,f0:dGVzdC1vbmx5LWZpbGUta2V5LTAwMDAwMDAwMDAwMDA=",
)
ATTACHMENTS_ROOT = Path(os.environ.get("ATTACHMENTS_ROOT", str(PRIVATE_FILES_ROOT / "attachments")))
STORAGES = {
    **STORAGES,  # noqa: F405
    "attachments": attachments_storage(  # noqa: F405
        os.environ.get("ATTACHMENTS_S3_BUCKET", ""), ATTACHMENTS_ROOT
    ),
}
SECRET_KEY = "test-only-key-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz"

WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Per-process cache in tests (rate-limit counters are cleared between tests).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The general suite logs in with a password only; tests/accounts/ turn 2FA enforcement on.
OTP_REQUIRED_ROLES = []
OTP_REQUIRED_FOR_ALL = False

# Web Push: a pair made for this run (never committed); the tests' push service listens on
# loopback over HTTP.
if not os.environ.get("VAPID_PRIVATE_KEY"):
    from notifications.vapid import generate as _generate_vapid

    _vapid = _generate_vapid()
    os.environ["VAPID_PUBLIC_KEY"], os.environ["VAPID_PRIVATE_KEY"] = (
        _vapid["public"],
        _vapid["private"],
    )
VAPID_PUBLIC_KEY = os.environ["VAPID_PUBLIC_KEY"]
VAPID_PRIVATE_KEY = os.environ["VAPID_PRIVATE_KEY"]
PUSH_SERVICE_HOSTS = ["127.0.0.1", "localhost"]
PUSH_ALLOW_HTTP = True
