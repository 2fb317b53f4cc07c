import logging

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import i18n as i18n_views
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

logger = logging.getLogger(__name__)


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database (and the broker, where one is configured) answers, else 503."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # any driver error means "not healthy"
        logger.warning("healthz: database: %s", exc)
        checks["database"] = "error"
    if settings.CELERY_BROKER_URL:
        try:
            import redis

            redis.Redis.from_url(
                settings.CELERY_BROKER_URL, socket_connect_timeout=1, socket_timeout=1
            ).ping()
            checks["broker"] = "ok"
        except Exception as exc:
            logger.warning("healthz: broker: %s", exc)
            checks["broker"] = "error"
    healthy = all(v == "ok" for v in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language, and for a logged-in user also their stored preference (used
    for their pages on every device, their emails and their PDFs)."""
    response = i18n_views.set_language(request)
    lang = request.POST.get("language", "")
    user = request.user
    if (
        user.is_authenticated
        and lang in dict(settings.LANGUAGES)
        and getattr(user, "preferred_language", None) != lang
    ):
        user.preferred_language = lang
        user.save(update_fields=["preferred_language"])
    return response
