"""pg_trgm and GIN trigram indexes on person names, for the duplicate warning at intake.

Run only on PostgreSQL: `make run` on SQLite still migrates (the duplicate check falls back
to a plain case-insensitive match there, see cases/selectors.py)."""

from django.db import migrations

NAME_FIELDS = ("given_name", "family_name", "given_name_latin", "family_name_latin")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for field in NAME_FIELDS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS person_{field}_trgm "
            f"ON cases_person USING gin ({field} gin_trgm_ops)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for field in NAME_FIELDS:
        schema_editor.execute(f"DROP INDEX IF EXISTS person_{field}_trgm")


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
