"""Create the benchmark database afresh and migrate it."""

import os

import psycopg2
from django.conf import settings


def recreate_database() -> None:
    db = settings.DATABASES["default"]
    conn = psycopg2.connect(
        dbname="postgres",
        user=db.get("USER") or "postgres",
        host=db.get("HOST") or "127.0.0.1",
        port=db.get("PORT") or 5432,
        password=db.get("PASSWORD") or None,
    )
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{db["NAME"]}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{db["NAME"]}"')
    conn.close()


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.bench")
    import django

    django.setup()
