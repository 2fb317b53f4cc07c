"""The place of a repatriation plan and the notes and reasons of its steps become encrypted
columns (fieldcrypt); existing rows, history included, are encrypted in place."""

import fieldcrypt.fields
from django.db import migrations

from fieldcrypt import rewrite


def encrypt_rows(apps, schema_editor):
    models = list(apps.get_app_config("repatriation").get_models())
    rewrite.rewrite_all(models, rewrite.encrypt_plain, connection=schema_editor.connection)


def decrypt_rows(apps, schema_editor):
    models = list(apps.get_app_config("repatriation").get_models())
    rewrite.rewrite_all(models, rewrite.decrypt_to_plain, connection=schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('repatriation', '0003_date_ranges'),
    ]

    operations = [
        migrations.AlterField(
            model_name='historicalrepatriationstep',
            name='note',
            field=fieldcrypt.fields.EncryptedTextField(blank=True, verbose_name='note'),
        ),
        migrations.AlterField(
            model_name='historicalrepatriationstep',
            name='reason',
            field=fieldcrypt.fields.EncryptedTextField(blank=True, verbose_name='reason'),
        ),
        migrations.AlterField(
            model_name='repatriationplan',
            name='place',
            field=fieldcrypt.fields.EncryptedCharField(blank=True, max_length=200, verbose_name='place'),
        ),
        migrations.AlterField(
            model_name='repatriationstep',
            name='note',
            field=fieldcrypt.fields.EncryptedTextField(blank=True, verbose_name='note'),
        ),
        migrations.AlterField(
            model_name='repatriationstep',
            name='reason',
            field=fieldcrypt.fields.EncryptedTextField(blank=True, verbose_name='reason'),
        ),
        migrations.RunPython(encrypt_rows, decrypt_rows),
]
