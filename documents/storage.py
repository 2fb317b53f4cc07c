"""The attachments' bytes in ``STORAGES["attachments"]``, always encrypted.

Names are random (``ab/<32 hex>.bin``): nothing of the uploaded file's name, the case or
the person reaches the storage. The storage never serves a URL: files are read back here
and handed to permission-checking views.
"""

from __future__ import annotations

import secrets

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages

from . import crypto


def store() -> Storage:
    return storages["attachments"]


def new_name(suffix: str = "bin") -> str:
    token = secrets.token_hex(16)
    return f"{token[:2]}/{token}.{suffix}"


def write(plain: bytes, *, suffix: str = "bin") -> tuple[str, str]:
    """Encrypt and store ``plain`` under a new random name: (name, key id)."""
    name = new_name(suffix)
    data, kid = crypto.encrypt(plain, name=name)
    saved = store().save(name, ContentFile(data))
    if saved != name:  # a storage that renamed it would break the authenticated name
        store().delete(saved)
        raise RuntimeError("The attachment storage changed a file's name")
    return name, kid


def read_raw(name: str) -> bytes:
    with store().open(name, "rb") as fh:
        return fh.read()


def read(name: str) -> bytes:
    """The plain bytes (DecryptionError for a wrong key or a changed file)."""
    return crypto.decrypt(read_raw(name), name=name)


def delete(name: str) -> None:
    if name:
        store().delete(name)


def exists(name: str) -> bool:
    return bool(name) and store().exists(name)
