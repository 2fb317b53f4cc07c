"""What the reintegration views share: a write done once per form (submissions tokens) and
a service's ValidationError put on the form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from submissions import services as submissions


def errors_on(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def write_once(
    request: HttpRequest, form: Any, write: Callable[[], Any], url: Callable[[Any], str]
) -> HttpResponse | None:
    """Run ``write`` once per form sent: a double-click or a resend shows the first result.
    None when the service refused (its errors are on ``form``)."""
    done = submissions.previous_result(request)
    if done:
        return submissions.show_previous(request, done)
    try:
        with transaction.atomic():
            done = submissions.claim(request)
            if done:
                return submissions.show_previous(request, done)
            result = write()
            target = url(result)
            submissions.finish(request, target)
    except ValidationError as exc:
        errors_on(form, exc)
        return None
    return redirect(target)
