"""Pages of attachments: the case page's panel, upload, replace, delete, and the download,
preview and thumbnail answers. HTTP only: documents.access decides, documents.services
writes and reads."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cases import access, disclosure
from cases.models import Case
from submissions import services as submissions

from . import access as doc_access
from . import services
from .forms import ReplaceForm, UploadForm

# The inline preview is an image document of its own: nothing in it may run or load.
PREVIEW_CSP = "sandbox; default-src 'none'; img-src 'self'; frame-ancestors 'none'"
DOWNLOAD_CSP = "sandbox; default-src 'none'; frame-ancestors 'none'"


# The newest files shown on the case page; the API lists up to 200.
PANEL_LIMIT = 100


def _panel_url(case_pk: int) -> str:
    return f"{Case(pk=case_pk).get_absolute_url()}#attachments-h"


def case_panel(request: HttpRequest, case: Case, perms: frozenset[str]) -> dict[str, Any] | None:
    """The case page's section: what the user may see, and the upload form if they may."""
    if access.VIEW not in perms:
        return None
    can_upload = doc_access.may_upload_anything(request.user, case)
    visible = doc_access.visible_attachments(request.user, case)
    attachments = list(visible[: PANEL_LIMIT + 1])
    more = len(attachments) > PANEL_LIMIT
    return {
        "case": case,
        "attachments": attachments[:PANEL_LIMIT],
        "more": more,
        "identity": access.VIEW_IDENTITY in perms,
        "disclosure": disclosure.for_perms(perms),
        "can_change": access.CHANGE in perms,
        # documents.access.may_change without a query per row: a step's own attachments.
        "can_change_steps": access.UPDATE_REPATRIATION in perms,
        "can_upload": can_upload,
        "form": UploadForm(case=case, user=request.user) if can_upload else None,
        "token": submissions.new_token(),
    }


@login_required
@require_http_methods(["GET", "POST"])
def attachment_upload(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = access.case_for(request.user, case_pk, access.VIEW)
    if not doc_access.may_upload_anything(request.user, case):
        raise PermissionDenied
    done = submissions.previous_result(request)  # a double submit: the first one's result
    if done:
        return submissions.show_previous(request, done)
    form = UploadForm(request.POST or None, request.FILES or None, case=case, user=request.user)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    done = submissions.claim(request)
                    if done:
                        return submissions.show_previous(request, done)
                    created = services.attachment_upload(
                        case=case,
                        by=request.user,
                        files=data["files"],
                        kind=data["kind"],
                        description=data["description"],
                        document_date=data["document_date"],
                        step=data.get("repatriation_step"),
                        request=request,
                    )
                    submissions.finish(request, _panel_url(case.pk))
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    _("%(count)s file(s) attached.") % {"count": len(created)},
                )
                return _done(request, _panel_url(case.pk))
    context = {
        "case": case,
        "form": form,
        "token": submissions.token_for(request),
    }
    return render(request, "documents/upload.html", context, status=status)


def _done(request: HttpRequest, url: str) -> HttpResponse:
    """After a write: a redirect; for the upload script (static/js/attachments.js, which
    sends the form itself to show its progress) the address to go to, so that the message
    is shown by that page and not used up by the request that followed the redirect."""
    if request.headers.get("X-Requested-With") == "XMLHttpRequest":
        response = HttpResponse(status=204)
        response["X-Redirect-To"] = url
        return response
    return redirect(url)


def _file_response(data: bytes, content_type: str, *, inline: bool, filename: str = ""):
    response = HttpResponse(data, content_type=content_type)
    if inline:
        response["Content-Disposition"] = "inline"
        response["Content-Security-Policy"] = PREVIEW_CSP
    else:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Content-Security-Policy"] = DOWNLOAD_CSP
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = doc_access.attachment_for(request.user, pk)
    data = services.attachment_open(
        attachment=attachment, by=request.user, how=services.DOWNLOAD, request=request
    )
    return _file_response(
        data, attachment.content_type, inline=False, filename=attachment.download_name()
    )


@login_required
@require_GET
def attachment_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """An image shown in the browser (PDFs are only downloaded)."""
    attachment = doc_access.attachment_for(request.user, pk)
    if not attachment.is_image:
        raise Http404("No preview")
    data = services.attachment_open(
        attachment=attachment, by=request.user, how=services.VIEW, request=request
    )
    return _file_response(data, attachment.content_type, inline=True)


@login_required
@require_GET
def attachment_thumbnail(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = doc_access.attachment_for(request.user, pk)
    if not attachment.thumbnail_name:
        raise Http404("No thumbnail yet")
    data = services.attachment_open(
        attachment=attachment, by=request.user, how=services.THUMBNAIL, request=request
    )
    return _file_response(data, "image/jpeg", inline=True)


@login_required
@require_http_methods(["GET", "POST"])
def attachment_replace(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = doc_access.attachment_for(request.user, pk, change=True)
    form = ReplaceForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            services.attachment_replace(
                attachment=attachment,
                by=request.user,
                file=form.cleaned_data["file"],
                request=request,
            )
            messages.success(request, _("File replaced."))
            return redirect(_panel_url(attachment.case_id))
    context = {"attachment": attachment, "case": attachment.case, "form": form}
    return render(request, "documents/replace.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def attachment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = doc_access.attachment_for(request.user, pk, change=True)
    if request.method == "POST":
        services.attachment_delete(attachment=attachment, by=request.user, request=request)
        messages.success(request, _("File deleted."))
        return redirect(_panel_url(attachment.case_id))
    context = {"attachment": attachment, "case": attachment.case}
    return render(request, "documents/delete.html", context)
