"""``manage.py rotate_file_keys``: re-encrypt attachments (and thumbnails) under the current
file key. Procedure as for ``rotate_keys`` (docs/documents.md): put the new key first in
HOMEWARD_FILE_KEYS, keep the old ones after it, deploy, run this until ``--check`` reports
nothing left, then drop the old keys. ``rotate_keys`` runs it too."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from documents import crypto, services


class Command(BaseCommand):
    help = "Re-encrypt attachment files under the current file key."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=100)
        parser.add_argument("--check", action="store_true", help="Only count what is left.")

    def handle(self, *args, batch: int, check: bool, **opts):
        self.stdout.write(f"File key {crypto.file_keys().current_kid}")
        if check:
            left = services.attachments_rotate_keys(check=True)
            self.stdout.write(
                f"{left} files under old keys" + ("" if left else ": the old keys may be dropped")
            )
            return
        total = 0
        while done := services.attachments_rotate_keys(batch=batch):
            total += done
        self.stdout.write(f"{total} files re-encrypted")
