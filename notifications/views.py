from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from . import selectors, services
from .models import Notification

PAGE_SIZE = 50


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.for_user(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@login_required
def bell(request: HttpRequest) -> HttpResponse:
    """The header bell alone, polled by htmx."""
    return render(
        request,
        "notifications/partials/bell.html",
        {"unread": selectors.unread_count(request.user)},
    )


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    services.notification_mark_read(user=request.user, notification_id=pk)
    try:
        row = selectors.for_user(request.user).get(pk=pk)
    except Notification.DoesNotExist:
        raise Http404 from None
    if request.headers.get("HX-Request"):
        return render(request, "notifications/partials/item.html", {"n": row})
    return redirect("notifications:list")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    services.notification_mark_read(user=request.user)
    return redirect("notifications:list")


@login_required
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notification's link, marking it read on the way."""
    try:
        row = selectors.for_user(request.user).get(pk=pk)
    except Notification.DoesNotExist:
        raise Http404 from None
    services.notification_mark_read(user=request.user, notification_id=row.pk)
    if row.link.startswith("/") and not row.link.startswith("//"):
        return redirect(row.link)
    return redirect("notifications:list")
