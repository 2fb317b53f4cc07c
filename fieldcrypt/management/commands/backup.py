"""``manage.py backup [--output FILE]``: an encrypted backup of the database and the private
files (fieldcrypt.backup). Default file: HOMEWARD_BACKUP_DIR/homeward-<UTC time>.hwb."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from fieldcrypt import backup


class Command(BaseCommand):
    help = "Write an encrypted backup (pg_dump and private files)."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path)
        parser.add_argument("--keep", type=int, default=0, help="Keep only the newest N backups.")

    def handle(self, *args, output, keep, **opts):
        folder = Path(settings.BACKUP_DIR)
        target = output or folder / f"homeward-{timezone.now():%Y%m%dT%H%M%SZ}.hwb"
        try:
            backup.create(target)
        except (backup.BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        except Exception as exc:  # pg_dump failed
            raise CommandError(f"Backup failed: {exc}") from exc
        if keep and not output:
            for old in sorted(folder.glob("homeward-*.hwb"))[:-keep]:
                old.unlink()
        self.stdout.write(f"Backup written: {target} ({target.stat().st_size} bytes)")
