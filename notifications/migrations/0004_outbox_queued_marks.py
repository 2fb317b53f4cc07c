from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_push_subscriptions"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="email_queued_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="pushdelivery",
            name="queued_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
