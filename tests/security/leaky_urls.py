"""A test-only URLconf: the real one plus a deliberately unscoped view, to show that the
walker (tests/security/walker.py) catches it."""

from django.http import HttpResponse
from django.urls import include, path

from cases.models import Case
from config.urls import urlpatterns as real_urlpatterns


def leaky_case(request, pk):
    """Loads any case without the access module: exactly what must never be written."""
    case = Case.objects.get(pk=pk)
    return HttpResponse(case.reference)


urlpatterns = [
    *real_urlpatterns,
    path("leaky/", include(([path("<int:pk>/", leaky_case, name="case")], "leaky"))),
]
