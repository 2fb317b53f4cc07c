"""The test suite: real PostgreSQL and Redis on this machine unless told otherwise."""

import os

import dj_database_url

from .base import *  # noqa: F403
from .base import BASE_DIR

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/homeward")
    )
}
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
CELERY_BROKER_URL = REDIS_URL
# Tests that need a real worker start one (tests/conftest.py); everything else runs tasks
# in-process so that each test sees their effect.
CELERY_TASK_ALWAYS_EAGER = True
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
PRIVATE_FILES_ROOT = BASE_DIR / "var" / "test-private"
SECRET_KEY = "test-only-key-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz"

WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
