from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from partners.roles import Right, has_right

from . import selectors
from .forms import EventFilterForm

PAGE_SIZE = 50


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    """The organisation's audit log, read-only, for its org admins and coordinators."""
    user = request.user
    if not has_right(user, Right.READ_AUDIT_LOG):
        raise PermissionDenied
    form = EventFilterForm(request.GET or None, organization_id=user.organization_id)  # type: ignore[union-attr,arg-type]
    filters = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = {
            "actor_id": data["user"].pk if data["user"] else None,
            "record": data["record"].strip(),
            "action": data["action"],
            "date_from": data["date_from"],
            "date_to": data["date_to"],
        }
    events = selectors.org_events(user, **filters) if not form.errors else None
    page = (
        Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
        if events is not None
        else None
    )
    return render(request, "audit/event_list.html", {"form": form, "page": page})
