"""`make run`: SQLite and in-process tasks unless DATABASE_URL / REDIS_URL say otherwise."""

import os

from documents.crypto import local_file_keys
from fieldcrypt.keys import local_keys

from .base import *  # noqa: F403
from .base import BASE_DIR, VAPID_PRIVATE_KEY, VAPID_PUBLIC_KEY, env_bool

DEBUG = env_bool("DEBUG", True)

# The embedded SQLite database and private files live under var/ (ignored by git).
(BASE_DIR / "var").mkdir(exist_ok=True)

# Encryption keys at rest: from the environment, else from var/keys.env (git-ignored),
# generated on the first run. Losing that file loses the local identity data.
_keys = local_keys(BASE_DIR / "var" / "keys.env")
FIELD_KEYS = os.environ.get("HOMEWARD_FIELD_KEYS") or _keys["HOMEWARD_FIELD_KEYS"]
BLIND_INDEX_KEYS = os.environ.get("HOMEWARD_BLIND_INDEX_KEYS") or _keys["HOMEWARD_BLIND_INDEX_KEYS"]
BACKUP_KEY = os.environ.get("HOMEWARD_BACKUP_KEY") or _keys["HOMEWARD_BACKUP_KEY"]
# Attachments' files (documents/crypto.py): their own key file beside it.
FILE_KEYS = os.environ.get("HOMEWARD_FILE_KEYS") or local_file_keys(
    BASE_DIR / "var" / "file-keys.env"
)

WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Web Push on `make run`: a local VAPID pair under var/ unless the environment has one.
if not (VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY):
    from notifications.vapid import local_keys

    _vapid = local_keys(BASE_DIR / "var" / "vapid.json")
    VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY = _vapid["public"], _vapid["private"]
