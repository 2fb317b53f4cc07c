"""Serializers, one module a resource, each with its OpenAPI examples. Identity fields are
ABSENT (not null) for a caller without view-identity on the case: ``to_representation``
drops them, and the schema marks them optional."""
