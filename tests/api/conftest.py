import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from api.models import ApiToken


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient()


def bearer(user, **kwargs) -> APIClient:
    client = APIClient()
    _token, raw = ApiToken.issue(user=user, **kwargs)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client
