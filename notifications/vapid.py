"""VAPID keys (RFC 8292): the key pair that signs our pushes. Production reads them from
the environment (VAPID_PUBLIC_KEY / VAPID_PRIVATE_KEY, base64url: the public key as an
uncompressed P-256 point, the private key as its 32-byte scalar); ``make run`` and the tests
generate a local pair, never committed. ``python -m notifications.vapid`` prints a new pair
for an environment file."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def generate() -> dict[str, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    private = key.private_numbers().private_value.to_bytes(32, "big")
    return {"public": _b64(public), "private": _b64(private)}


def local_keys(path: Path) -> dict[str, str]:
    """A pair kept in ``path`` (under var/, ignored by git), made on first use."""
    try:
        keys = json.loads(path.read_text())
        if keys.get("public") and keys.get("private"):
            return keys
    except (OSError, ValueError):
        pass
    keys = generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(keys))
    path.chmod(0o600)
    return keys


if __name__ == "__main__":
    pair = generate()
    print(f"VAPID_PUBLIC_KEY={pair['public']}\nVAPID_PRIVATE_KEY={pair['private']}")
