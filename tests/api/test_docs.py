"""docs/api.md's hotline example works: its JSON body, sent as the curl command sends it,
logs one call with two cases, and the retry with the same Idempotency-Key creates nothing."""

import json
import re
from pathlib import Path

import pytest

from cases.models import Case, DistressCall
from tests.api.conftest import bearer
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def _example() -> tuple[str, dict, dict[str, str]]:
    text = DOC.read_text()
    block = text.split("<!-- hotline-example:start -->")[1].split("<!-- hotline-example:end -->")[0]
    url = re.search(r"curl -s https://[^/]+(/api/\S+)", block).group(1)  # type: ignore[union-attr]
    headers = dict(re.findall(r"-H '([^:]+): ([^']+)'", block))
    body = json.loads(block.split("<<'JSON'")[1].split("\nJSON")[0])
    return url, body, headers


def test_hotline_curl_example_logs_one_call_with_two_persons():
    url, body, headers = _example()
    assert url == "/api/v1/calls/"
    assert len(body["persons"]) == 2
    org = OrganizationFactory(name="Mekong Lifeline Cambodia", code="mlc", country="KH")
    api = bearer(UserFactory(username="hotline-bot", organization=org))
    extra = {"HTTP_IDEMPOTENCY_KEY": headers["Idempotency-Key"]}
    response = api.post(url, body, format="json", **extra)
    assert response.status_code == 201, response.content
    answer = response.json()
    assert len(answer["cases"]) == 2
    assert all(c["reference"].startswith("KH-MLC-") for c in answer["cases"])
    assert {c.person.given_name_latin for c in Case.objects.all()} == {"Dara", "Vuthy"}
    # The documented retry after a timeout.
    again = api.post(url, body, format="json", **extra)
    assert again.status_code == 201 and again.json() == answer
    assert DistressCall.objects.count() == 1 and Case.objects.count() == 2
