import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import push, selectors, services
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


# --- Web Push: this device's subscription (static/js/push.js) ---------------------------------


def _json_body(request: HttpRequest) -> dict:
    if len(request.body) > 4096:
        return {}
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


@login_required
@require_POST
def push_subscribe(request: HttpRequest) -> HttpResponse:
    """Store the browser's PushSubscription (JSON, as ``subscription.toJSON()`` gives it)."""
    if not push.enabled():
        return JsonResponse({"error": _("Push notifications are not set up.")}, status=503)
    data = _json_body(request)
    keys = data.get("keys")
    if not isinstance(keys, dict):
        keys = {}
    try:
        sub = push.subscribe(
            user=request.user,
            endpoint=data.get("endpoint") or "",
            p256dh=keys.get("p256dh") or "",
            auth=keys.get("auth") or "",
            user_agent=request.headers.get("User-Agent", ""),
            session=request.session,
        )
    except push.InvalidSubscription:
        return JsonResponse(
            {"error": _("This browser's push subscription was not accepted.")}, status=400
        )
    return JsonResponse({"id": sub.pk, "label": sub.label}, status=201)


@login_required
@require_POST
def push_unsubscribe(request: HttpRequest) -> HttpResponse:
    """This device turns notifications off (the endpoint it is subscribed with)."""
    endpoint = _json_body(request).get("endpoint") or ""
    removed = push.unsubscribe(user=request.user, endpoint=str(endpoint)[:1000])
    return JsonResponse({"removed": removed})


@login_required
@require_POST
def push_device_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove one of the user's devices from the account page's list."""
    if not push.unsubscribe(user=request.user, pk=pk):
        raise Http404
    messages.success(request, _("That device will no longer receive notifications."))
    return redirect("account")
