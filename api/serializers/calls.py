"""Distress calls: logging one (the persons it names) and reading them back."""

from __future__ import annotations

from django.core.validators import MaxLengthValidator
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases import disclosure
from cases.models import CALL_IDENTITY_FIELDS, DistressCall, Person
from cases.services import MAX_PERSONS_PER_CALL, too_many_persons
from cases.vocab import (
    CallChannel,
    CallerRelation,
    ExploitationType,
    Industry,
    MeansOfControl,
    Sex,
    Urgency,
)

from .. import examples as ex
from .common import (
    CaseRefSerializer,
    DisclosedFieldsMixin,
    OrganizationRefSerializer,
    model_text,
)


class BoundedListSerializer(serializers.ListSerializer):
    """A ``many=True`` list whose ``max_length`` the schema shows as ``maxItems``
    (drf-spectacular reads it from a validator). The length itself is checked first, before
    any item, by ``ListSerializer``; the validator only documents it."""

    def get_validators(self):
        found = list(super().get_validators())
        if self.max_length is not None:
            found.append(MaxLengthValidator(self.max_length))
        return found


class PersonIntakeSerializer(serializers.Serializer):
    """One person named in the call. The page's intake form checks the rules (sex asked,
    plausible age, stateless without nationality, a valid phone)."""

    class Meta:
        list_serializer_class = BoundedListSerializer

    given_name = model_text(Person, "given_name", required=False, allow_blank=True)
    family_name = model_text(Person, "family_name", required=False, allow_blank=True)
    given_name_latin = model_text(Person, "given_name_latin", required=False, allow_blank=True)
    family_name_latin = model_text(Person, "family_name_latin", required=False, allow_blank=True)
    sex = serializers.ChoiceField(choices=Sex.choices)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    estimated_age = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    nationality = serializers.CharField(required=False, allow_blank=True, max_length=2)
    stateless = serializers.BooleanField(required=False, default=False)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40)
    link_case = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text=_("Attach the call to this existing case instead of opening a new one."),
    )


class DistressCallCreateSerializer(serializers.Serializer):
    received_at = serializers.DateTimeField(required=False)
    channel = serializers.ChoiceField(choices=CallChannel.choices)
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    caller_name = model_text(DistressCall, "caller_name", required=False, allow_blank=True)
    caller_relation = serializers.ChoiceField(choices=CallerRelation.choices)
    caller_phone = serializers.CharField(required=False, allow_blank=True, max_length=40)
    callback_notes = model_text(DistressCall, "callback_notes", required=False, allow_blank=True)
    language = model_text(DistressCall, "language", required=False, allow_blank=True)
    reported_country = serializers.CharField(required=False, allow_blank=True, max_length=2)
    reported_place = model_text(DistressCall, "reported_place", required=False, allow_blank=True)
    reported_port = model_text(DistressCall, "reported_port", required=False, allow_blank=True)
    vessel = model_text(DistressCall, "vessel", required=False, allow_blank=True)
    employer = model_text(DistressCall, "employer", required=False, allow_blank=True)
    summary = model_text(DistressCall, "summary")
    exploitation_types = serializers.ListField(
        child=serializers.ChoiceField(choices=ExploitationType.choices), required=False
    )
    industry = serializers.ChoiceField(choices=Industry.choices, required=False, allow_blank=True)
    means_of_control = serializers.ListField(
        child=serializers.ChoiceField(choices=MeansOfControl.choices), required=False
    )
    existing_reference = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text=_("About an existing case? Its reference (then leave persons empty)."),
    )
    # The length is checked before any person is validated: a huge list is refused at once.
    persons = PersonIntakeSerializer(
        many=True,
        required=False,
        max_length=MAX_PERSONS_PER_CALL,
        error_messages={"max_length": lazy(too_many_persons, str)()},
    )


class DistressCallSerializer(DisclosedFieldsMixin, serializers.ModelSerializer):
    disclosure_group = disclosure.CALL

    organization = OrganizationRefSerializer(read_only=True)
    reported_country = serializers.CharField(source="reported_country.code", read_only=True)
    cases = serializers.SerializerMethodField()
    # Identity: present only with view-identity on every case of the call.
    summary = serializers.CharField(required=False)
    caller_name = serializers.CharField(required=False)
    caller_phone = serializers.CharField(required=False)
    callback_notes = serializers.CharField(required=False)
    reported_place = serializers.CharField(required=False)
    reported_port = serializers.CharField(required=False)
    vessel = serializers.CharField(required=False)
    employer = serializers.CharField(required=False)

    class Meta:
        model = DistressCall
        fields = [
            "id",
            "organization",
            "received_at",
            "channel",
            "urgency",
            "caller_relation",
            "language",
            "reported_country",
            "summary",
            "cases",
            "created_at",
            *CALL_IDENTITY_FIELDS,
        ]
        read_only_fields = fields

    @extend_schema_field(CaseRefSerializer(many=True))
    def get_cases(self, call) -> list[dict]:
        return [{"id": c.pk, "reference": c.reference} for c in call.cases.all()]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if data.get("caller_phone") is not None:
            data["caller_phone"] = str(instance.caller_phone or "")
        return data


# --- examples -------------------------------------------------------------------------------

CALL = {
    "id": 311,
    "organization": ex.ORG,
    "received_at": "2026-11-29T03:12:00Z",
    "channel": "hotline",
    "urgency": "immediate",
    "caller_relation": "family",
    "language": "Khmer",
    "reported_country": "TH",
    "cases": [ex.CASE_REF, {"id": 902, "reference": "KH-MLC-2026-00132"}],
    "created_at": "2026-11-29T03:12:04Z",
}
CALL_WITH_IDENTITY = {
    **CALL,
    "summary": "Two brothers on a fishing boat, not paid for 8 months, passports taken.",
    "caller_name": "",
    "caller_phone": "+85512345678",
    "callback_notes": "",
    "reported_place": "",
    "reported_port": "Pattani",
    "vessel": "",
    "employer": "",
}
CALL_SENT = {
    "channel": "hotline",
    "urgency": "immediate",
    "caller_relation": "family",
    "caller_phone": "+85512345678",
    "language": "Khmer",
    "reported_country": "TH",
    "reported_port": "Pattani",
    "summary": "Two brothers on a fishing boat, not paid for 8 months, passports taken.",
    "exploitation_types": ["forced_labour"],
    "industry": "03.11",
    "persons": [
        {"given_name_latin": "Dara", "sex": "male", "estimated_age": 24, "nationality": "KH"},
        {"given_name_latin": "Vuthy", "sex": "male", "estimated_age": 19, "nationality": "KH"},
    ],
}

LIST_EXAMPLES = [ex.answer("A page of calls", CALL, list_page=True)]
DETAIL_EXAMPLES = [
    ex.answer("With view-identity", CALL_WITH_IDENTITY),
    ex.answer("Without view-identity: caller details and summary absent", CALL),
    ex.ERROR_404,
]
CREATE_EXAMPLES = [
    ex.sent("A hotline call about two persons", CALL_SENT),
    ex.created("Logged: two cases", CALL_WITH_IDENTITY),
]
