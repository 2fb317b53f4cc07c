"""What the resources' views share: the body checks, the malformed-id 404, the 409 answer,
the Idempotency-Key header, and the API's JSON 404 for any other URL."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Retry-safe create: the same key with the same body answers the first answer "
    "again (header Idempotent-Replayed: true) instead of creating twice.",
)


def form_valid(form) -> None:
    """Run one of the pages' forms on the API's data: the same rules, field-level messages."""
    if not form.is_valid():
        raise ValidationError({k: list(v) for k, v in form.errors.items()})


def validated(serializer_class, request) -> dict:
    if not isinstance(request.data, dict):
        raise ValidationError({"non_field_errors": [_("Send a JSON object.")]})
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def pk_or_404(value) -> int:
    if not str(value).isdigit() or len(str(value)) > 18:
        raise NotFound(_("Not found."))
    return int(value)


def conflict(message: str, current_version: int) -> Response:
    return Response(
        {
            "error": {
                "code": "conflict",
                "message": message,
                "current_version": current_version,
            }
        },
        status=status.HTTP_409_CONFLICT,
    )


class IntegerIdMixin:
    """A malformed id is simply not found (JSON 404), never a server error."""

    def get_object(self):
        lookup = self.lookup_url_kwarg or self.lookup_field
        value = self.kwargs.get(lookup)
        if not str(value).isdigit():
            raise NotFound(_("Not found."))
        return super().get_object()


@extend_schema(exclude=True)
class NotFoundView(APIView):
    """Any other URL under /api/: the API's JSON 404, never the site's HTML page."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        raise NotFound(_("Not found."))

    post = put = patch = delete = get
