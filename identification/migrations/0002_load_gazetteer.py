"""Load the gazetteer (pycountry subdivisions and identification/data/places.json), so that
a fresh database — `make run`'s SQLite or the test database — has every place."""

from django.db import migrations


def load(apps, schema_editor):
    from identification import gazetteer

    gazetteer.load(apps.get_model("identification", "Place"), apps.get_model("identification", "PlaceName"))


class Migration(migrations.Migration):
    dependencies = [("identification", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
