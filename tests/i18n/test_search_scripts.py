"""Names are stored and shown as typed, and found by search, in every script."""

import pytest
from django.urls import reverse

from tests.factories import PersonFactory, make_case

pytestmark = pytest.mark.django_db

NAMES = {
    "Khmer": ("សុខា", "ពៅ"),
    "Burmese": ("အောင်", "ကျော်ဝင်း"),
    "Thai": ("สมชาย", "ใจดี"),
    "Lao": ("ສົມພອນ", "ແກ້ວມະນີ"),
}


@pytest.mark.parametrize("script", list(NAMES))
def test_search_by_native_name_finds_the_case(client, org, caseworker, script):
    given, family = NAMES[script]
    wanted = make_case(
        org,
        person=PersonFactory.build(
            given_name=given, family_name=family, given_name_latin="X", phone=""
        ),
    )
    make_case(org, person=PersonFactory.build(given_name="Other", family_name="Person", phone=""))
    client.force_login(caseworker)
    html = client.get(reverse("cases:list"), {"q": family, "by": "name"}).content.decode()
    assert wanted.reference in html
    assert html.count("<tr") - 1 == 1  # only the wanted case (plus the header row)
    # Shown exactly as typed.
    assert f"{given} {family}" in html
