"""Serializers. Identity fields are ABSENT (not null) for a caller without view-identity on
the case: ``to_representation`` drops them, and the schema marks them optional."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.models import CASE_IDENTITY_FIELDS, PERSON_IDENTITY_FIELDS, Case, CaseNote, Consent
from cases.vocab import Industry, RecruiterRelation
from partners.models import Organization

from .models import ApiToken


class OrganizationSerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country.code", read_only=True)

    class Meta:
        model = Organization
        fields = ["id", "name", "code", "kind", "country", "city", "languages"]
        read_only_fields = fields


class OrganizationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class PersonSerializer(serializers.Serializer):
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
        if not self.context.get("can_view_identity"):
            for name in PERSON_IDENTITY_FIELDS:
                data.pop(name, None)
        elif "phone" in data:
            data["phone"] = str(instance.phone or "")
        return data


class CaseSerializer(serializers.ModelSerializer):
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

    def _identity(self, case) -> bool:
        value = getattr(case, "can_view_identity", None)
        if value is None:
            value = self.context.get("can_view_identity", False)
        return bool(value)

    def get_can_view_identity(self, case) -> bool:
        return self._identity(case)

    def get_exploitation_types(self, case) -> list[str]:
        return [e.type for e in case.exploitations.all()]

    @extend_schema_field(PersonSerializer)
    def get_person(self, case) -> dict:
        # One person serializer per identity value for the whole list, not one per row:
        # building a serializer copies its fields, which dominated a page of 50 cases.
        identity = self._identity(case)
        cache = self.__dict__.setdefault("_person_serializers", {})
        if identity not in cache:
            cache[identity] = PersonSerializer(
                context={**self.context, "can_view_identity": identity}
            )
        return cache[identity].to_representation(case.person)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self._identity(instance):
            for name in CASE_IDENTITY_FIELDS:
                data.pop(name, None)
        return data


class CaseNoteSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", read_only=True, default="")
    organization = OrganizationRefSerializer(read_only=True)
    body = serializers.CharField(
        required=True,
        allow_blank=False,
        max_length=10_000,
        help_text=_("Free text. Shown only to users who may view the person's identity."),
    )

    class Meta:
        model = CaseNote
        fields = ["id", "body", "author", "organization", "created_at", "updated_at"]
        read_only_fields = ["id", "author", "organization", "created_at", "updated_at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self.context.get("can_view_identity"):
            data.pop("body", None)
        return data


class ConsentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Consent
        fields = ["id", "purpose", "granted", "method", "given_at", "withdrawn_at", "note"]
        read_only_fields = fields


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    otp = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=_("A TOTP code, required when the user has 2FA."),
    )
    name = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text=_("What the token is for, e.g. 'hotline system'."),
    )


class TokenIssuedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    token = serializers.CharField(help_text=_("Shown once. Send as 'Authorization: Bearer …'."))
    expires_at = serializers.DateTimeField()


class ApiTokenSerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="user.username", read_only=True)
    active = serializers.BooleanField(source="is_active", read_only=True)

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "key",
            "user",
            "created_at",
            "expires_at",
            "last_used_at",
            "revoked_at",
            "active",
        ]
        read_only_fields = fields
