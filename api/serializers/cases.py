"""Cases: the case itself with its person, notes and consents."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema_field
from rest_framework import serializers

from cases import disclosure
from cases.models import Case, CaseNote, Consent
from cases.vocab import (
    CaseStatus,
    ConsentMethod,
    ConsentPurpose,
    ExploitationType,
    Industry,
    MeansOfControl,
    RecruiterRelation,
    TraffickingStatus,
    Urgency,
)

from .. import examples as ex
from .common import DisclosedFieldsMixin, OrganizationRefSerializer, model_text


class PersonSerializer(DisclosedFieldsMixin, serializers.Serializer):
    disclosure_group = disclosure.PERSON

    sex = serializers.CharField(read_only=True)
    nationality = serializers.CharField(source="nationality.code", read_only=True)
    stateless = serializers.BooleanField(read_only=True)
    age = serializers.SerializerMethodField()
    # Identity: present only with view-identity.
    given_name = serializers.CharField(required=False)
    family_name = serializers.CharField(required=False)
    given_name_latin = serializers.CharField(required=False)
    family_name_latin = serializers.CharField(required=False)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    phone = serializers.CharField(required=False)
    document_number = serializers.CharField(required=False)
    family_contacts = serializers.CharField(required=False)

    def get_age(self, person) -> int | None:
        return person.age_on(timezone.localdate())

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if "phone" in data:
            data["phone"] = str(instance.phone or "")
        return data


class CaseSerializer(DisclosedFieldsMixin, serializers.ModelSerializer):
    disclosure_group = disclosure.CASE

    owner_organization = OrganizationRefSerializer(read_only=True)
    person = serializers.SerializerMethodField()
    exploitation_types = serializers.SerializerMethodField()
    country_of_origin = serializers.CharField(source="country_of_origin.code", read_only=True)
    country_of_exploitation = serializers.CharField(
        source="country_of_exploitation.code", read_only=True
    )
    current_country = serializers.CharField(source="current_country.code", read_only=True)
    current_place = serializers.CharField(required=False)
    can_view_identity = serializers.SerializerMethodField()
    industry = serializers.ChoiceField(choices=Industry.choices, allow_blank=True, read_only=True)
    recruiter_relation = serializers.ChoiceField(
        choices=RecruiterRelation.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = Case
        # Identity fields (current_place, person's names…) are optional: absent without
        # view-identity. Everything else is always present.
        fields = [
            "id",
            "reference",
            "pseudonym",
            "status",
            "urgency",
            "trafficking_status",
            "industry",
            "recruiter_relation",
            "means_of_control",
            "exploitation_types",
            "country_of_origin",
            "country_of_exploitation",
            "current_country",
            "current_place",
            "owner_organization",
            "assigned_to",
            "group",
            "person",
            "can_view_identity",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = [f for f in fields if f != "current_place"]

    def get_can_view_identity(self, case) -> bool:
        return self.disclosure_of(case).identity

    def get_exploitation_types(self, case) -> list[str]:
        return [e.type for e in case.exploitations.all()]

    @extend_schema_field(PersonSerializer)
    def get_person(self, case) -> dict:
        # One person serializer per identity value for the whole list, not one per row:
        # building a serializer copies its fields, which dominated a page of 50 cases.
        identity = self.disclosure_of(case).identity
        cache = self.__dict__.setdefault("_person_serializers", {})
        if identity not in cache:
            cache[identity] = PersonSerializer(
                context={**self.context, "can_view_identity": identity}
            )
        return cache[identity].to_representation(case.person)


class CaseNoteSerializer(DisclosedFieldsMixin, serializers.ModelSerializer):
    disclosure_group = disclosure.NOTE

    author = serializers.CharField(source="author.username", read_only=True, default="")
    organization = OrganizationRefSerializer(read_only=True)
    body = model_text(
        CaseNote,
        "body",
        required=True,
        allow_blank=False,
        help_text=_("Free text. Shown only to users who may view the person's identity."),
    )

    class Meta:
        model = CaseNote
        fields = ["id", "body", "author", "organization", "created_at", "updated_at"]
        read_only_fields = ["id", "author", "organization", "created_at", "updated_at"]


class ConsentSerializer(DisclosedFieldsMixin, serializers.ModelSerializer):
    disclosure_group = disclosure.CONSENT

    note = serializers.CharField(
        required=False, help_text=_("Shown only to users who may view the person's identity.")
    )

    class Meta:
        model = Consent
        fields = ["id", "purpose", "granted", "method", "given_at", "withdrawn_at", "note"]
        read_only_fields = fields


class CaseUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1,
        help_text=_("The version you read. If the case changed since, the answer is 409."),
    )
    status = serializers.ChoiceField(choices=CaseStatus.choices, required=False)
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)
    trafficking_status = serializers.ChoiceField(choices=TraffickingStatus.choices, required=False)
    industry = serializers.ChoiceField(choices=Industry.choices, required=False, allow_blank=True)
    recruiter_relation = serializers.ChoiceField(
        choices=RecruiterRelation.choices, required=False, allow_blank=True
    )
    means_of_control = serializers.ListField(
        child=serializers.ChoiceField(choices=MeansOfControl.choices), required=False
    )
    exploitation_types = serializers.ListField(
        child=serializers.ChoiceField(choices=ExploitationType.choices), required=False
    )
    country_of_exploitation = serializers.CharField(required=False, allow_blank=True, max_length=2)
    current_country = serializers.CharField(required=False, allow_blank=True, max_length=2)
    current_place = model_text(
        Case,
        "current_place",
        required=False,
        allow_blank=True,
        help_text=_("Identity: needs the view-identity permission."),
    )
    assigned_to = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class ConsentCreateSerializer(serializers.Serializer):
    purpose = serializers.ChoiceField(choices=ConsentPurpose.choices)
    granted = serializers.BooleanField()
    method = serializers.ChoiceField(choices=ConsentMethod.choices)
    given_at = serializers.DateTimeField(required=False)
    note = model_text(Consent, "note", required=False, allow_blank=True)


# --- examples -------------------------------------------------------------------------------

PERSON = {"sex": "male", "nationality": "KH", "stateless": False, "age": 24}
CASE: dict = {
    "id": 901,
    "reference": "KH-MLC-2026-00131",
    "pseudonym": "P-BX7KQ2MN",
    "status": "active",
    "urgency": "immediate",
    "trafficking_status": "possible",
    "industry": "03.11",
    "recruiter_relation": "",
    "means_of_control": ["debt", "documents"],
    "exploitation_types": ["forced_labour"],
    "country_of_origin": "KH",
    "country_of_exploitation": "TH",
    "current_country": "TH",
    "owner_organization": ex.ORG,
    "assigned_to": 5,
    "group": 40,
    "person": PERSON,
    "can_view_identity": False,
    "created_at": "2026-11-29T03:12:00Z",
    "updated_at": "2026-11-29T03:12:04Z",
    "version": 1,
}
NOTE = {
    "id": 88,
    "body": "Called the family; he is safe in port.",
    "author": "cw",
    "organization": ex.ORG,
    "created_at": "2026-11-29T03:40:00Z",
    "updated_at": "2026-11-29T03:40:00Z",
}
CONSENT = {
    "id": 55,
    "purpose": "share_partners",
    "granted": True,
    "method": "verbal",
    "given_at": "2026-11-29T03:20:00Z",
    "withdrawn_at": None,
    "note": "",
}

LIST_EXAMPLES = [
    OpenApiExample(
        "A page of cases",
        response_only=True,
        value={
            "count": 1,
            "next": None,
            "previous": None,
            "results": [
                {
                    "id": 42,
                    "reference": "KH-PPCARE-2026-00042",
                    "pseudonym": "P-BX7KQ2MN",
                    "status": "active",
                    "urgency": "immediate",
                    "trafficking_status": "possible",
                    "industry": "03.11",
                    "country_of_exploitation": "MY",
                    "person": {
                        "sex": "male",
                        "nationality": "KH",
                        "stateless": False,
                        "age": 34,
                    },
                    "can_view_identity": False,
                }
            ],
        },
    )
]
DETAIL_EXAMPLES = [
    ex.answer("Without view-identity: names, phone, place absent", CASE),
    ex.answer(
        "With view-identity",
        {
            **CASE,
            "can_view_identity": True,
            "current_place": "Port of Pattani",
            "person": {
                **PERSON,
                "given_name": "",
                "family_name": "",
                "given_name_latin": "Dara",
                "family_name_latin": "",
                "date_of_birth": None,
                "phone": "",
                "document_number": "",
                "family_contacts": "",
            },
        },
    ),
    ex.ERROR_404,
]
UPDATE_EXAMPLES = [
    OpenApiExample(
        "Close a case",
        request_only=True,
        value={"version": 3, "status": "closed"},
    ),
    OpenApiExample(
        "Someone saved first",
        status_codes=["409"],
        response_only=True,
        value={
            "error": {
                "code": "conflict",
                "message": "The case was changed by someone else since you read it.",
                "current_version": 4,
            }
        },
    ),
    ex.ERROR_404,
]
NOTE_LIST_EXAMPLES = [ex.answer("Notes", NOTE, list_page=True), ex.ERROR_404]
NOTE_CREATE_EXAMPLES = [
    ex.sent("A note", {"body": "Called the family; he is safe in port."}),
]
CONSENT_LIST_EXAMPLES = [ex.answer("The consents on a case", [CONSENT]), ex.ERROR_404]
CONSENT_CREATE_EXAMPLES = [
    ex.sent(
        "Consent to share with partners, given verbally",
        {"purpose": "share_partners", "granted": True, "method": "verbal"},
    ),
    ex.created("Recorded", CONSENT),
    ex.ERROR_404,
]
CONSENT_WITHDRAW_EXAMPLES = [
    ex.answer("Withdrawn", {**CONSENT, "withdrawn_at": "2026-11-29T04:00:00Z"}),
    ex.ERROR_404,
]
