"""``manage.py rotate_keys``: move every encrypted value to the current field key and
recompute the blind index under the current blind-index key.

Procedure (docs/security.md): put the new key first in HOMEWARD_FIELD_KEYS (and/or
HOMEWARD_BLIND_INDEX_KEYS), keep the old ones after it, deploy, run ``rotate_keys``; when
``rotate_keys --check`` reports nothing left, drop the old keys. The command works in
batches and in primary-key order, each batch committed on its own; values already under the
current key are skipped, so an interrupted run is simply started again.
"""

from __future__ import annotations

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from fieldcrypt import blind, cipher, keys, rewrite, rotation


class Command(BaseCommand):
    help = "Re-encrypt identity under the current key and recompute the blind index."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=500)
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only count what is not yet under the current keys.",
        )
        parser.add_argument("--fields-only", action="store_true")
        parser.add_argument("--index-only", action="store_true")
        # Stop after this many batches (tests interrupt a run with it).
        parser.add_argument("--max-batches", type=int, default=0, help="Stop after N batches.")

    def handle(self, *args, batch, check, fields_only, index_only, max_batches, **opts):
        self.batches_left = max_batches or None
        ring, bring = keys.field_keys(), keys.blind_keys()
        self.stdout.write(f"Field key {ring.current_kid}, blind-index key {bring.current_kid}")
        pending = 0
        if not index_only:
            pending += self._fields(batch, check)
        if not fields_only:
            pending += self._index(batch, check)
        if not index_only:
            pending += self._others(check)
        if check:
            self.stdout.write(
                f"{pending} values or persons still under old keys"
                + ("" if pending else ": the old keys may be dropped")
            )
        return

    def _others(self, check: bool) -> int:
        """The data other apps registered (fieldcrypt.rotation), e.g. attachment files."""
        pending = 0
        for name, rotate in rotation.registered().items():
            n = rotate(check)
            pending += n if check else 0
            self.stdout.write(f"{name}: {n} " + ("under old keys" if check else "re-encrypted"))
        return pending

    def _stop(self) -> bool:
        if self.batches_left is None:
            return False
        self.batches_left -= 1
        return self.batches_left < 0

    def _bar(self, label: str, done: int, total: int) -> None:
        width = 30
        filled = int(width * done / total) if total else width
        pct = int(100 * done / total) if total else 100
        end = "\n" if done >= total else ""
        self.stdout.write(
            f"\r{label:<50} [{'#' * filled}{'.' * (width - filled)}] {pct:3d}%", ending=end
        )
        self.stdout.flush()

    def _fields(self, batch: int, check: bool) -> int:
        current = keys.field_keys().current_kid
        pending = 0
        for col in rewrite.columns(list(apps.get_models())):
            label = f"{col.table}.{col.column}"
            if check:
                n = 0
                steps = rewrite.rewrite(col, _count_old(current), batch=batch, write=False)
                for _seen, changed in steps:
                    n += changed
                pending += n
                self.stdout.write(f"{label}: {n} under old keys")
                continue
            total, seen, changed = rewrite.count_rows(col), 0, 0
            steps = rewrite.rewrite(col, rewrite.to_current_key, batch=batch)
            while True:
                if self._stop():
                    raise CommandError(
                        "Stopped (--max-batches): run again to resume.", returncode=3
                    )
                with transaction.atomic():
                    step = next(steps, None)
                if step is None:
                    break
                seen += step[0]
                changed += step[1]
                self._bar(f"{label} ({changed} re-encrypted)", seen, total)
            if total == 0:
                self._bar(f"{label} (empty)", 0, 0)
        return pending

    def _index(self, batch: int, check: bool) -> int:
        from cases import identity_index
        from cases.models import DistressCall, IdentityToken, Person

        kid = blind.current_kid()
        pending = 0
        for model, fk, reindex in (
            (Person, "person_id", identity_index.reindex_persons),
            (DistressCall, "call_id", identity_index.reindex_calls),
        ):
            stale = (
                IdentityToken.objects.exclude(kid=kid)
                .filter(**{f"{fk}__isnull": False})
                .values_list(fk, flat=True)
                .distinct()
            )
            ids = sorted(set(stale))
            label = f"blind index of {model._meta.verbose_name_plural}"
            if check:
                pending += len(ids)
                self.stdout.write(f"{label}: {len(ids)} under old keys")
                continue
            for i in range(0, len(ids), batch):
                if self._stop():
                    raise CommandError(
                        "Stopped (--max-batches): run again to resume.", returncode=3
                    )
                reindex(model.objects.filter(pk__in=ids[i : i + batch]))  # type: ignore[arg-type]
                self._bar(label, min(i + batch, len(ids)), len(ids))
            if not ids:
                self._bar(f"{label} (current)", 0, 0)
        return pending


def _count_old(current: str):
    def transform(stored, purpose):
        if stored and cipher.key_id(stored) != current:
            return stored  # counted (write=False: nothing is written)
        return None

    return transform
