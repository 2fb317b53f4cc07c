"""What several resources' serializers share: text limits from the models, references to an
organisation or a case, the 409 body."""

from __future__ import annotations

from rest_framework import serializers

from config.formtools import max_length_of


def model_text(model, name: str, **kwargs) -> serializers.CharField:
    """A text input limited as the model field is (issue 16: one limit per field, the same
    on the pages and in the API; the schema shows it as ``maxLength``)."""
    return serializers.CharField(max_length=max_length_of(model, name), **kwargs)


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
