"""The OpenAPI schema is valid (no warning either) and documents every operation with at
least one example of a success answer or request."""

import json

from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer

METHODS = {"get", "post", "put", "patch", "delete"}


def test_schema_validates_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    assert "/api/v1/calls/" in out.read_text()


def _success_examples(operation) -> list[str]:
    names = []
    body = operation.get("requestBody", {}).get("content", {})
    for media in body.values():
        names += list(media.get("examples", {}))
    for code, response in operation.get("responses", {}).items():
        if code.startswith("2"):
            for media in response.get("content", {}).values():
                names += list(media.get("examples", {}))
    return names


def test_every_operation_has_an_example():
    schema = json.loads(
        OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True))
    )
    missing = [
        f"{method.upper()} {path}"
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in METHODS
        and operation["responses"].keys() & {"200", "201"}
        and not _success_examples(operation)
    ]
    assert missing == []
