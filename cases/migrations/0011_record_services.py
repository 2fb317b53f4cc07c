"""The record_services case permission (reintegration): declared on Case, and held by the
owner organisation of every existing case, as grant_owner gives it to new ones."""

from django.db import migrations


def grant_to_owners(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Case = apps.get_model("cases", "Case")
    Grant = apps.get_model("cases", "CaseGroupObjectPermission")
    content_type, _ = ContentType.objects.get_or_create(app_label="cases", model="case")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="record_services",
        defaults={"name": "Record services and follow-ups"},
    )
    rows = Case.objects.values_list("pk", "owner_organization__group_id")
    Grant.objects.bulk_create(
        [
            Grant(content_object_id=case_id, group_id=group_id, permission=permission)
            for case_id, group_id in rows.iterator(chunk_size=2000)
        ],
        batch_size=2000,
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0010_text_lengths"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="case",
            options={
                "default_permissions": ("view", "change"),
                "ordering": ["-updated_at", "-id"],
                "permissions": [
                    ("view_case_identity", "View the identity of the person"),
                    ("refer_case", "Refer the case to a partner"),
                    ("export_case", "Export a case summary"),
                    ("assign_case", "Assign the case"),
                    ("update_repatriation", "Update the repatriation"),
                    ("record_services", "Record services and follow-ups"),
                ],
                "verbose_name": "case",
                "verbose_name_plural": "cases",
            },
        ),
        migrations.RunPython(grant_to_owners, migrations.RunPython.noop),
    ]
