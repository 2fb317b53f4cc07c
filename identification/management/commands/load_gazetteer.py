from django.core.management.base import BaseCommand

from identification import gazetteer


class Command(BaseCommand):
    help = "Load or refresh the gazetteer (pycountry subdivisions and identification/data)."

    def handle(self, *args, **options):
        count = gazetteer.load()
        self.stdout.write(f"{count} places")
