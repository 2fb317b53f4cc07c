"""Identity at rest: the identifying fields of persons, cases, calls, notes and consents become
encrypted columns (fieldcrypt), existing rows (history included) are encrypted in place, and
the blind index (IdentityToken) is built for existing persons and calls. The trigram indexes
over plain names go: there are no plain names left to index."""

import django.db.models.deletion
import fieldcrypt.fields
from django.db import migrations, models

from fieldcrypt import rewrite

NAME_FIELDS = ("given_name", "family_name", "given_name_latin", "family_name_latin")


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for field in NAME_FIELDS:
        schema_editor.execute(f"DROP INDEX IF EXISTS person_{field}_trgm")


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for field in NAME_FIELDS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS person_{field}_trgm "
            f"ON cases_person USING gin ({field} gin_trgm_ops)"
        )


def _models(apps):
    return [m for m in apps.get_app_config("cases").get_models()]


def encrypt_rows(apps, schema_editor):
    from cases import identity_index
    from fieldcrypt import blind

    conn = schema_editor.connection
    rewrite.rewrite_all(_models(apps), rewrite.encrypt_plain, connection=conn)
    Person = apps.get_model("cases", "Person")
    DistressCall = apps.get_model("cases", "DistressCall")
    IdentityToken = apps.get_model("cases", "IdentityToken")
    rows, kid = [], blind.current_kid()
    for person in Person.objects.using(conn.alias).iterator(chunk_size=500):
        rows += [IdentityToken(person_id=person.pk, digest=t, kid=kid) for t in identity_index.person_tokens(person)]
        if len(rows) > 5000:
            IdentityToken.objects.using(conn.alias).bulk_create(rows)
            rows = []
    for call in DistressCall.objects.using(conn.alias).iterator(chunk_size=500):
        rows += [IdentityToken(call_id=call.pk, digest=t, kid=kid) for t in identity_index.call_tokens(call)]
    IdentityToken.objects.using(conn.alias).bulk_create(rows)


def decrypt_rows(apps, schema_editor):
    rewrite.rewrite_all(_models(apps), rewrite.decrypt_to_plain, connection=schema_editor.connection)
    _check_deferred_constraints_now(schema_editor)


def _check_deferred_constraints_now(schema_editor):
    """Rows rewritten above leave deferred foreign-key checks pending, and PostgreSQL refuses
    to alter a table with pending checks; backwards, the columns are altered next in the same
    transaction. Run the checks now, then defer again as Django's constraints are by default."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0007_date_ranges'),
    ]

    operations = [
        migrations.RunPython(drop_trigram_indexes, create_trigram_indexes),
        migrations.AlterField(
            model_name='case',
            name='current_place',
            field=fieldcrypt.fields.EncryptedCharField(blank=True, help_text='Exact place: identifying, shown only with identity permission.', max_length=250, verbose_name='current exact location'),
        ),
        migrations.AlterField(
            model_name='casenote',
            name='body',
            field=fieldcrypt.fields.EncryptedTextField(verbose_name='note'),
        ),
        migrations.AlterField(
            model_name='consent',
            name='note',
            field=fieldcrypt.fields.EncryptedCharField(blank=True, max_length=250, verbose_name='note'),
        ),
        migrations.AlterField(
            model_name='distresscall',
            name='callback_notes',
            field=fieldcrypt.fields.EncryptedCharField(blank=True, max_length=250, verbose_name='safe time and way to call back'),
        ),
        migrations.AlterField(
            model_name='distresscall',
            name='caller_name',
            field=fieldcrypt.fields.EncryptedCharField(blank=True, max_length=200, verbose_name='caller name'),
        ),
        migrations.AlterField(
            model_name='distresscall',
            name='caller_phone',
            field=fieldcrypt.fields.EncryptedPhoneNumberField(blank=True, max_length=128, region=None, verbose_name='caller phone'),
        ),
        migrations.AlterField(
            model_name='distresscall',
            name='employer',
            field=fieldcrypt.fields.EncryptedCharField(blank=True, max_length=200, verbose_name='employer or establishment'),
        ),
        migrations.AlterField(
            model_name='distresscall',
            name='reported_place',
            field=fieldcrypt.fields.EncryptedCharField(blank=True, max_length=200, verbose_name='place'),
        ),
        migrations.AlterField(
            model_name='distresscall',
            name='reported_port',
            field=fieldcrypt.fields.EncryptedCharField(blank=True, max_length=200, verbose_name='port'),
        ),
        migrations.AlterField(
            model_name='distresscall',
            name='summary',
            field=fieldcrypt.fields.EncryptedTextField(verbose_name='what happened'),
        ),
        migrations.AlterField(
            model_name='distresscall',
            name='vessel',
            field=fieldcrypt.fields.EncryptedCharField(blank=True, max_length=200, verbose_name='vessel name or number'),
        ),
        migrations.AlterField(
            model_name='historicalcase',
            name='current_place',
            field=fieldcrypt.fields.EncryptedCharField(blank=True, help_text='Exact place: identifying, shown only with identity permission.', max_length=250, verbose_name='current exact location'),
        ),
        migrations.AlterField(
            model_name='historicalconsent',
            name='note',
            field=fieldcrypt.fields.EncryptedCharField(blank=True, max_length=250, verbose_name='note'),
        ),
        migrations.AlterField(
            model_name='historicalperson',
            name='document_number',
            field=fieldcrypt.fields.EncryptedCharField(blank=True, max_length=60, verbose_name='identity document number'),
        ),
        migrations.AlterField(
            model_name='historicalperson',
            name='family_contacts',
            field=fieldcrypt.fields.EncryptedTextField(blank=True, verbose_name='family contacts'),
        ),
        migrations.AlterField(
            model_name='historicalperson',
            name='family_name',
            field=fieldcrypt.fields.EncryptedCharField(blank=True, max_length=150, verbose_name='family name (native script)'),
        ),
        migrations.AlterField(
            model_name='historicalperson',
            name='family_name_latin',
            field=fieldcrypt.fields.EncryptedCharField(blank=True, max_length=150, verbose_name='family name (Latin letters)'),
        ),
        migrations.AlterField(
            model_name='historicalperson',
            name='given_name',
            field=fieldcrypt.fields.EncryptedCharField(blank=True, max_length=150, verbose_name='given name (native script)'),
        ),
        migrations.AlterField(
            model_name='historicalperson',
            name='given_name_latin',
            field=fieldcrypt.fields.EncryptedCharField(blank=True, max_length=150, verbose_name='given name (Latin letters)'),
        ),
        migrations.AlterField(
            model_name='historicalperson',
            name='phone',
            field=fieldcrypt.fields.EncryptedPhoneNumberField(blank=True, max_length=128, region=None, verbose_name='phone'),
        ),
        migrations.AlterField(
            model_name='person',
            name='document_number',
            field=fieldcrypt.fields.EncryptedCharField(blank=True, max_length=60, verbose_name='identity document number'),
        ),
        migrations.AlterField(
            model_name='person',
            name='family_contacts',
            field=fieldcrypt.fields.EncryptedTextField(blank=True, verbose_name='family contacts'),
        ),
        migrations.AlterField(
            model_name='person',
            name='family_name',
            field=fieldcrypt.fields.EncryptedCharField(blank=True, max_length=150, verbose_name='family name (native script)'),
        ),
        migrations.AlterField(
            model_name='person',
            name='family_name_latin',
            field=fieldcrypt.fields.EncryptedCharField(blank=True, max_length=150, verbose_name='family name (Latin letters)'),
        ),
        migrations.AlterField(
            model_name='person',
            name='given_name',
            field=fieldcrypt.fields.EncryptedCharField(blank=True, max_length=150, verbose_name='given name (native script)'),
        ),
        migrations.AlterField(
            model_name='person',
            name='given_name_latin',
            field=fieldcrypt.fields.EncryptedCharField(blank=True, max_length=150, verbose_name='given name (Latin letters)'),
        ),
        migrations.AlterField(
            model_name='person',
            name='phone',
            field=fieldcrypt.fields.EncryptedPhoneNumberField(blank=True, max_length=128, region=None, verbose_name='phone'),
        ),
        migrations.CreateModel(
            name='IdentityToken',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('digest', models.BigIntegerField()),
                ('kid', models.CharField(max_length=16)),
                ('call', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='cases.distresscall')),
                ('person', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='cases.person')),
            ],
            options={
                'indexes': [models.Index(fields=['digest', 'person'], name='identity_token_person'), models.Index(fields=['person'], name='identity_token_of_person'), models.Index(fields=['call'], name='identity_token_of_call')],
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('call__isnull', True), ('person__isnull', False)), models.Q(('call__isnull', False), ('person__isnull', True)), _connector='OR'), name='identity_token_person_xor_call')],
            },
        ),
        migrations.RunPython(encrypt_rows, decrypt_rows),
]
