"""``manage.py restore FILE --database-url postgres://…/db [--files-dir DIR]``: restore an
encrypted backup into the given database (created beforehand; its objects are replaced)
and the private files into DIR. It never restores over the running database by default."""

from pathlib import Path

import dj_database_url
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from fieldcrypt import backup


class Command(BaseCommand):
    help = "Restore an encrypted backup into a given database."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--database-url", required=True)
        parser.add_argument("--files-dir", type=Path)

    def handle(self, *args, file, database_url, files_dir, **opts):
        target = dj_database_url.parse(database_url)
        files_dir = files_dir or Path(settings.PRIVATE_FILES_ROOT)
        try:
            backup.restore(file, database=target, files_dir=files_dir)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        except Exception as exc:
            raise CommandError(f"Restore failed: {exc}") from exc
        self.stdout.write(f"Restored {file} into {target['NAME']}; files in {files_dir}")
