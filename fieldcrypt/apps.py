from django.apps import AppConfig


class FieldcryptConfig(AppConfig):
    name = "fieldcrypt"
    verbose_name = "Data at rest"
