"""One error body for every endpoint:

{"error": {"code": "validation_error", "message": "…", "fields": {"name": ["…"]}}}
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        # A service refused (model validation, a rule of the domain): field-level messages.
        if hasattr(exc, "error_dict"):
            exc = exceptions.ValidationError(
                {
                    (k if k != "__all__" else "non_field_errors"): v
                    for k, v in exc.message_dict.items()
                }
            )
        else:
            exc = exceptions.ValidationError({"non_field_errors": exc.messages})
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        fields = detail if isinstance(detail, dict) else {"non_field_errors": detail}
        body = {
            "code": "validation_error",
            "message": _("Some fields are not valid."),
            "fields": fields,
        }
    else:
        code = getattr(exc, "default_code", "error")
        detail = getattr(exc, "detail", str(exc))
        body = {"code": str(getattr(detail, "code", code) or code), "message": str(detail)}
    response.data = {"error": body}
    if response.status_code == status.HTTP_401_UNAUTHORIZED and "WWW-Authenticate" not in response:
        response["WWW-Authenticate"] = "Bearer"
    return Response(response.data, status=response.status_code, headers=dict(response.items()))
