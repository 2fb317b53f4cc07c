"""Bulk loading with PostgreSQL COPY, driven by Django model metadata.

Instances are built in Python as usual (so field defaults and new columns are honoured) and
written with ``COPY ... FROM STDIN`` — about ten times faster than bulk_create at this scale.
Primary keys are assigned here and the table's sequence moved past them."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable

from django.db import connection, models

NULL = "\\N"


def _text(value) -> str:
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


class IdAllocator:
    """Hands out primary keys above what the table holds."""

    def __init__(self, model: type[models.Model]):
        self.model = model
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{model._meta.db_table}"')
            self.next_id = cursor.fetchone()[0] + 1

    def take(self) -> int:
        value = self.next_id
        self.next_id += 1
        return value


def copy_instances(model: type[models.Model], instances: Iterable[models.Model]) -> int:
    """COPY unsaved instances (with ``pk`` set) into the model's table; returns the count."""
    fields = list(model._meta.concrete_fields)
    columns = ", ".join(f'"{f.column}"' for f in fields)
    buffer = io.StringIO()
    count = 0
    for obj in instances:
        row = []
        for field in fields:
            if isinstance(field, models.DateTimeField | models.DateField) and (
                getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
            ):
                value = getattr(obj, field.attname) or field.pre_save(obj, add=True)
            else:
                value = getattr(obj, field.attname)
            if isinstance(field, models.JSONField):
                row.append(NULL if value is None else _text(json.dumps(value, ensure_ascii=False)))
                continue
            # get_prep_value turns phone numbers into E.164 strings, countries into codes.
            value = field.get_prep_value(value)
            row.append(_text(value))
        buffer.write("\t".join(row) + "\n")
        count += 1
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(  # the psycopg2 cursor behind Django's wrapper
            f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN', buffer
        )
    reset_sequence(model)
    return count


def reset_sequence(model: type[models.Model]) -> None:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
            f'COALESCE((SELECT MAX(id) FROM "{table}"), 1))'
        )
