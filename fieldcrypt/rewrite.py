"""Rewriting the stored values of encrypted columns in batches, over raw SQL (so that a
value that does not decrypt is reported, not loaded): the data migrations that encrypt
existing rows, and ``manage.py rotate_keys``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db import connection as default_connection
from django.db import models

from . import cipher, keys
from .fields import EncryptedMixin


@dataclass(frozen=True)
class Column:
    table: str
    pk: str
    column: str
    purpose: str


def columns(models_: list[type[models.Model]]) -> list[Column]:
    out = []
    for model in models_:
        if model._meta.proxy or not model._meta.managed:
            continue
        for f in model._meta.concrete_fields:
            if isinstance(f, EncryptedMixin):
                pk = model._meta.pk
                assert pk is not None and f.column
                out.append(Column(model._meta.db_table, str(pk.column), f.column, f.name))
    return out


def encrypt_plain(stored: str | None, purpose: str) -> str | None:
    """Data migration: a plain value -> ciphertext; ciphertext and empty values are kept."""
    if not stored or cipher.is_ciphertext(stored):
        return None
    return cipher.encrypt(stored, purpose=purpose)


def decrypt_to_plain(stored: str | None, purpose: str) -> str | None:
    """Reverse of the data migration."""
    if not stored or not cipher.is_ciphertext(stored):
        return None
    return cipher.decrypt(stored, purpose=purpose)


def to_current_key(stored: str | None, purpose: str) -> str | None:
    """Rotation: a value under an old key -> the current key; others unchanged (resumable)."""
    if not stored:
        return None
    if cipher.key_id(stored) == keys.field_keys().current_kid:
        return None
    return cipher.encrypt(cipher.decrypt(stored, purpose=purpose), purpose=purpose)


def count_rows(col: Column, connection=default_connection) -> int:
    qn = connection.ops.quote_name
    with connection.cursor() as cur:
        cur.execute(f"SELECT COUNT(*) FROM {qn(col.table)}")  # noqa: S608 - names from models
        return cur.fetchone()[0]


def rewrite(
    col: Column,
    transform: Callable[[str | None, str], str | None],
    *,
    batch: int = 500,
    connection=default_connection,
    write: bool = True,
) -> Iterator[tuple[int, int]]:
    """Apply ``transform`` to every value of the column, ``batch`` rows per statement group,
    in primary-key order. Yields (rows seen, rows changed) after each batch; with
    ``write=False`` only counts what would change."""
    qn = connection.ops.quote_name
    table, pk, column = qn(col.table), qn(col.pk), qn(col.column)
    last = None
    while True:
        with connection.cursor() as cur:
            where = f"WHERE {pk} > %s " if last is not None else ""
            cur.execute(
                f"SELECT {pk}, {column} FROM {table} {where}ORDER BY {pk} LIMIT %s",  # noqa: S608
                [last, batch] if last is not None else [batch],
            )
            rows = cur.fetchall()
            if not rows:
                return
            changed = []
            for row_pk, stored in rows:
                new = transform(stored, col.purpose)
                if new is not None:
                    changed.append((new, row_pk))
            if changed and write:
                cur.executemany(
                    f"UPDATE {table} SET {column} = %s WHERE {pk} = %s",  # noqa: S608
                    changed,
                )
        last = rows[-1][0]
        yield len(rows), len(changed)


def rewrite_all(apps_models, transform, connection=default_connection) -> int:
    """Every encrypted column of ``apps_models``; returns the number of values changed."""
    total = 0
    for col in columns(apps_models):
        for _seen, changed in rewrite(col, transform, connection=connection):
            total += changed
    return total
