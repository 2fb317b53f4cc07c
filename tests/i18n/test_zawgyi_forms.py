"""Zawgyi is detected on every form where Burmese may be typed: the conversion is offered
(the field shows the Unicode text and the notice shows both), a second save keeps the
conversion, and "keep as typed" restores exactly what was typed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django import forms
from django.template.loader import render_to_string
from django.urls import reverse

from cases import access
from cases.forms import (
    AnonymiseForm,
    CaseForm,
    ConsentForm,
    DistressCallForm,
    NoteForm,
    PersonEditForm,
    PersonIntakeForm,
)
from cases.models import Case
from exports.forms import ExportRequestForm
from partners.forms import InviteForm
from partners.models import OrganizationKind
from referrals.forms import DeclineForm, ReferralForm
from repatriation.forms import PlanForm, StepForm, TemplateForm
from tests.cases.conftest import call_data
from tests.factories import OrganizationFactory
from textutils.zawgyi import to_unicode

pytestmark = pytest.mark.django_db

ZAWGYI = "ေအာင္ေက်ာ္"  # "Aung Kyaw" typed in Zawgyi
UNICODE = "အောင်ကျော်"


def browser_data(form: forms.BaseForm) -> dict[str, Any]:
    """What a browser submits for the unbound form, with the first real choice picked for
    required choice fields left empty."""
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value in (None, "", []) and field.required and hasattr(field, "choices"):
            value = next(str(k) for k, _label in field.choices if k not in ("", None))
        if value in (None, False, ""):
            continue
        if isinstance(value, list):
            data[name] = [str(v) for v in value]
        elif hasattr(value, "isoformat"):
            data[name] = value.isoformat()
        else:
            data[name] = str(getattr(value, "pk", value))
    return data


# Each form: (build(ctx, data) -> form, field where Burmese is typed, extra valid data).
Build = Callable[[dict, Any], forms.BaseForm]
FORMS: dict[str, tuple[Build, str, dict[str, Any]]] = {
    "intake call": (
        lambda c, d: DistressCallForm(d, user=c["user"]),
        "caller_name",
        {k: v for k, v in call_data().items() if not k.startswith("persons-")},
    ),
    "intake person": (
        lambda c, d: PersonIntakeForm(d, region="KH"),
        "given_name",
        {"given_name_latin": "Aung", "sex": "male", "estimated_age": "30", "nationality": "MM"},
    ),
    "case edit": (
        lambda c, d: CaseForm(
            d, instance=c["case"], user=c["user"], perms=access.perms_for(c["user"], c["case"])
        ),
        "current_place",
        {},
    ),
    "person edit": (
        lambda c, d: PersonEditForm(d, instance=c["case"].person, case=c["case"], region="KH"),
        "family_name",
        {},
    ),
    "note": (lambda c, d: NoteForm(d), "body", {}),
    "consent note": (
        lambda c, d: ConsentForm(d),
        "note",
        {"granted": "on", "given_at": "2026-01-10T09:30"},
    ),
    "anonymise reason": (lambda c, d: AnonymiseForm(d), "reason", {"confirm": "on"}),
    "referral message": (
        lambda c, d: ReferralForm(d, organization=c["org"]),
        "message",
        {},
    ),
    "referral override reason": (
        lambda c, d: ReferralForm(d, organization=c["org"]),
        "override_reason",
        {},
    ),
    "referral decline reason": (lambda c, d: DeclineForm(d), "reason", {}),
    "repatriation plan place": (
        lambda c, d: PlanForm(d),
        "place",
        {"current_country": "TH", "home_country": "MM"},
    ),
    "repatriation step note": (
        lambda c, d: StepForm(d, prefix_id=1),
        "note",
        {"version": "1", "status": "in_progress"},
    ),
    "route template name": (
        lambda c, d: TemplateForm(d),
        "name",
        {},
    ),
    "export other purpose": (
        lambda c, d: ExportRequestForm(d),
        "purpose_other",
        {"purpose": "other"},
    ),
    "user invite name": (
        lambda c, d: InviteForm(d),
        "first_name",
        {"username": "aungkyaw", "email": "ak@example.org", "role": "caseworker"},
    ),
}


@pytest.fixture
def ctx(org, other_org, caseworker, case_in) -> dict:
    OrganizationFactory(name="Embassy of Myanmar", code="mmemb", kind=OrganizationKind.EMBASSY)
    return {"org": org, "user": caseworker, "case": Case.objects.get(pk=case_in.pk)}


def _data(name: str, ctx: dict, text: str) -> dict[str, Any]:
    build, field, extra = FORMS[name]
    data = {**browser_data(build(ctx, None)), **extra, field: text}
    if name.startswith("referral ") and name != "referral decline reason":
        data["to_organization"] = str(
            build(ctx, None).fields["to_organization"].queryset.first().pk  # type: ignore[attr-defined]
        )
    return data


@pytest.mark.parametrize("name", list(FORMS))
def test_plain_burmese_and_other_scripts_pass(name, ctx):
    build, field, _extra = FORMS[name]
    form = build(ctx, _data(name, ctx, UNICODE))
    assert form.is_valid(), form.errors
    assert form.cleaned_data[field] == UNICODE and not form.zawgyi_found


@pytest.mark.parametrize("name", list(FORMS))
def test_zawgyi_is_offered_the_conversion_then_saved_in_unicode(name, ctx):
    build, field, _extra = FORMS[name]
    form = build(ctx, _data(name, ctx, ZAWGYI))
    assert not form.is_valid()
    assert list(form.errors) == [field] and "Zawgyi" in form.errors[field][0]
    assert form[field].value() == UNICODE  # the field now shows the conversion
    notice = render_to_string("partials/zawgyi.html", {"form": form})
    assert UNICODE in notice and ZAWGYI in notice  # both shown, the choice is the user's
    assert f'name="{form.add_prefix("keep_as_typed")}"' in notice
    assert f'name="{form.add_prefix("zawgyi_typed")}"' in notice

    again = build(ctx, form.data)  # the user checks the text and saves again
    assert again.is_valid(), again.errors
    assert again.cleaned_data[field] == UNICODE


@pytest.mark.parametrize("name", list(FORMS))
def test_keep_as_typed_restores_the_typed_text(name, ctx):
    build, field, _extra = FORMS[name]
    form = build(ctx, _data(name, ctx, ZAWGYI))
    assert not form.is_valid()
    kept = build(ctx, {**form.data, form.add_prefix("keep_as_typed"): "on"})
    assert kept.is_valid(), kept.errors
    assert kept.cleaned_data[field] == ZAWGYI


def test_conversion_is_the_icu_one():
    assert to_unicode(ZAWGYI) == UNICODE


def test_intake_page_offers_the_conversion_and_keeps_the_typed_name(client, caseworker):
    client.force_login(caseworker)
    url = reverse("cases:intake")
    data = call_data([{"given_name": ZAWGYI, "nationality": "MM"}])
    response = client.post(url, data)
    assert response.status_code == 422
    html = response.content.decode()
    assert "zawgyi-notice" in html and UNICODE in html
    assert 'name="persons-0-keep_as_typed"' in html
    # The user keeps the name as typed (e.g. the person's own phone shows Zawgyi).
    form = response.context["formset"].forms[0]
    kept = {**data, **{k: v for k, v in form.data.items() if k.startswith("persons-0-")}}
    kept["persons-0-keep_as_typed"] = "on"
    kept["go_on"] = "1"
    response = client.post(url, kept)
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.filter(owner_organization=caseworker.organization).latest("pk")
    assert case.person.given_name == ZAWGYI


def test_note_page_saves_the_unicode_conversion(client, caseworker, case_in):
    client.force_login(caseworker)
    url = reverse("cases:note_add", args=[case_in.pk])
    htmx = {"HTTP_HX_REQUEST": "true"}
    response = client.post(url, {"body": ZAWGYI}, **htmx)
    assert response.status_code == 422
    html = response.content.decode()
    assert "zawgyi-notice" in html and 'name="keep_as_typed"' in html
    assert not case_in.notes.exists()
    response = client.post(url, response.context["note_form"].data, **htmx)
    assert response.status_code == 200
    assert case_in.notes.get().body == UNICODE
    # Without htmx the page reloads and says why nothing was saved.
    response = client.post(url, {"body": ZAWGYI}, follow=True)
    assert "Zawgyi" in response.content.decode() and case_in.notes.count() == 1
