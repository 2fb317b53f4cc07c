"""A write form is done once, however often it is sent (a double-click, a resend after a
timeout): the page carries a one-time token (``{% submission_token %}``), and the write
claims it in its own transaction.

In a view::

    done = submissions.previous_result(request)  # before validating: sent before?
    if done:
        return submissions.show_previous(request, done)
    ...  # validate as usual
    with transaction.atomic():
        done = submissions.claim(request)  # a concurrent twin waits here for the first
        if done:
            return submissions.show_previous(request, done)
        result = services.the_write(...)
        submissions.finish(request, result.get_absolute_url())
    return redirect(result.get_absolute_url())

The claim inserts a row under a unique constraint (user, token). Two identical requests at
the same moment: PostgreSQL makes the second insert wait until the first transaction ends;
if it committed, the second finds its row and shows its result; if it rolled back (the
write was refused), the second goes ahead. A form re-shown with errors keeps its token, so
the corrected form is still one submission. Tokens are per user: another user's token
is just a new token. Rows older than ``KEEP`` are deleted by ``purge``.
"""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .models import SubmissionToken

FIELD = "submission_token"
KEEP = timedelta(days=2)
_VALID = re.compile(r"^[0-9a-f]{32}$")


def new_token() -> str:
    return uuid.uuid4().hex


def posted_token(request: HttpRequest) -> str | None:
    token = request.POST.get(FIELD, "")
    return token if _VALID.match(token) else None


def token_for(request: HttpRequest) -> str:
    """The token a page carries: the one it was sent with (a form re-shown with errors is
    still the same submission), or a new one."""
    return posted_token(request) or new_token()


def previous_result(request: HttpRequest) -> str | None:
    """Where the result of an earlier send of this form is, if it was done."""
    token = posted_token(request)
    if token is None or not request.user.is_authenticated:
        return None
    row = SubmissionToken.objects.filter(user=request.user, token=token).first()
    return (row.result_url or "/") if row else None


def claim(request: HttpRequest) -> str | None:
    """Claim this send's token, inside the write's transaction. None: go ahead, and call
    ``finish`` before the transaction ends. A URL: this form was done already, there."""
    token = posted_token(request)
    if token is None or not request.user.is_authenticated:
        return None  # a form without a token (an old page): no protection, as before
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("claim() must run inside the write's transaction")
    try:
        with transaction.atomic():
            SubmissionToken.objects.create(user=request.user, token=token)
    except IntegrityError:
        return previous_result(request) or "/"
    return None


def finish(request: HttpRequest, result_url: str) -> None:
    token = posted_token(request)
    if token is None or not request.user.is_authenticated:
        return
    SubmissionToken.objects.filter(user=request.user, token=token).update(result_url=result_url)


def show_previous(request: HttpRequest, url: str) -> HttpResponse:
    """The answer to a second send: the first one's result, with a word why."""
    messages.info(request, _("This form was already sent: here is what it did."))
    if not url_has_allowed_host_and_scheme(url, {request.get_host()}):
        url = "/"
    return redirect(url)


def purge(now=None) -> int:
    cutoff = (now or timezone.now()) - KEEP
    deleted, _rows = SubmissionToken.objects.filter(created_at__lt=cutoff).delete()
    return deleted
