"""What several resources' serializers share: text limits from the models, references to an
organisation or a case, the 409 body."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cases import disclosure
from config.formtools import max_length_of

IDENTITY_HELP = _("Identity: present only for users who may view the person's identity.")


def model_text(model, name: str, **kwargs) -> serializers.CharField:
    """A text input limited as the model field is (issue 16: one limit per field, the same
    on the pages and in the API; the schema shows it as ``maxLength``)."""
    return serializers.CharField(max_length=max_length_of(model, name), **kwargs)


class DisclosedFieldsMixin:
    """A serializer of one field group of cases.disclosure: the group's identity fields are
    absent (not null) for a caller who may not see them, and the schema's help text says so.
    Who may see them: the instance's ``can_view_identity`` (set by the view for list rows) or
    the context's. (Declare identity fields ``required=False`` rather than read-only, so that
    the schema lists them as optional: tests/api/test_schema.py checks every group.)"""

    disclosure_group: disclosure.FieldGroup

    def get_fields(self):
        fields = super().get_fields()
        for name in self.disclosure_group.identity & fields.keys():
            if not fields[name].help_text:
                fields[name].help_text = IDENTITY_HELP
        return fields

    def disclosure_of(self, instance) -> disclosure.Disclosure:
        value = getattr(instance, "can_view_identity", None)
        if value is None:
            value = self.context.get("can_view_identity", False)  # type: ignore[attr-defined]
        return disclosure.Disclosure(identity=bool(value))

    def to_representation(self, instance):
        data = super().to_representation(instance)
        return self.disclosure_of(instance).strip(self.disclosure_group, data)


class OrganizationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class CaseRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    reference = serializers.CharField(read_only=True)


class ConflictSerializer(serializers.Serializer):
    class _Error(serializers.Serializer):
        code = serializers.CharField()
        message = serializers.CharField()
        current_version = serializers.IntegerField()

    error = _Error()
