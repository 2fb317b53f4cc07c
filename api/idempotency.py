"""``Idempotency-Key`` for create calls: a hotline that retries after a timeout gets the
first answer again instead of creating the case twice.

The create and its record are one transaction. A concurrent request with the same key blocks
on the unique index until the first commits, then fails its insert, rolls back its own
create, and replays the first answer."""

from __future__ import annotations

import hashlib
import json
from functools import wraps

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.response import Response

from .models import IdempotencyRecord

HEADER = "Idempotency-Key"


class _Replay(Exception):
    pass


def _fingerprint(request) -> str:
    body = json.dumps(request.data, sort_keys=True, default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def _replay(record: IdempotencyRecord) -> Response:
    response = Response(record.body, status=record.status_code)
    response["Idempotent-Replayed"] = "true"
    return response


def idempotent(method):
    @wraps(method)
    def wrapper(self, request, *args, **kwargs):
        key = request.headers.get(HEADER, "").strip()
        if not key:
            return method(self, request, *args, **kwargs)
        if len(key) > 200:
            return Response(
                {
                    "error": {
                        "code": "invalid_idempotency_key",
                        "message": _("The Idempotency-Key header is too long."),
                    }
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        fingerprint = _fingerprint(request)
        existing = IdempotencyRecord.objects.filter(user=request.user, key=key).first()
        if existing is not None:
            if existing.fingerprint != fingerprint:
                return Response(
                    {
                        "error": {
                            "code": "idempotency_key_reused",
                            "message": _("This Idempotency-Key was used with a different request."),
                        }
                    },
                    status=status.HTTP_422_UNPROCESSABLE_ENTITY,
                )
            return _replay(existing)
        try:
            with transaction.atomic():
                response = method(self, request, *args, **kwargs)
                if response.status_code < 500:
                    try:
                        with transaction.atomic():
                            IdempotencyRecord.objects.create(
                                user=request.user,
                                key=key,
                                fingerprint=fingerprint,
                                status_code=response.status_code,
                                body=response.data,
                            )
                    except IntegrityError:
                        raise _Replay from None
        except _Replay:
            return _replay(IdempotencyRecord.objects.get(user=request.user, key=key))
        return response

    return wrapper
