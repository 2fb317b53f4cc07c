"""OpenAPI examples (drf-spectacular) shared by every resource: what a client sees, with
pseudonyms and references, never a real person. Each resource's own examples stand beside
its serializers (api/serializers/)."""

from drf_spectacular.utils import OpenApiExample

ORG = {"id": 3, "name": "Mekong Lifeline Cambodia"}
CASE_REF = {"id": 901, "reference": "KH-MLC-2026-00131"}

ERROR_404 = OpenApiExample(
    "Not found (or not yours)",
    status_codes=["404"],
    value={"error": {"code": "not_found", "message": "Not found."}},
    response_only=True,
)


def page(item: dict) -> dict:
    return {"count": 1, "next": None, "previous": None, "results": [item]}


def answer(name: str, value, *, list_page: bool = False) -> OpenApiExample:
    return OpenApiExample(
        name, value=page(value) if list_page else value, response_only=True, status_codes=["200"]
    )


def created(name: str, value) -> OpenApiExample:
    """The answer to a create (201)."""
    return OpenApiExample(name, response_only=True, status_codes=["201"], value=value)


def sent(name: str, value) -> OpenApiExample:
    """A request body."""
    return OpenApiExample(name, request_only=True, value=value)
