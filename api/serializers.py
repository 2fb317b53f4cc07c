"""Serializers. Identity fields are ABSENT (not null) for a caller without view-identity on
the case: ``to_representation`` drops them, and the schema marks them optional."""

from __future__ import annotations

from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.models import (
    CASE_IDENTITY_FIELDS,
    PERSON_IDENTITY_FIELDS,
    Case,
    CaseNote,
    Consent,
    DistressCall,
    Person,
)
from cases.vocab import Industry, RecruiterRelation
from config.formtools import max_length_of
from partners.models import Organization

from .models import ApiToken


def model_text(model, name: str, **kwargs) -> serializers.CharField:
    """A text input limited as the model field is (issue 16: one limit per field, the same
    on the pages and in the API; the schema shows it as ``maxLength``)."""
    return serializers.CharField(max_length=max_length_of(model, name), **kwargs)


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
        extra_kwargs = {
            "note": {"help_text": _("Shown only to users who may view the person's identity.")}
        }

    def to_representation(self, instance):
        # A consent note is free text that may identify the person (who signed, a guardian).
        data = super().to_representation(instance)
        if not self.context.get("can_view_identity"):
            data.pop("note", None)
        return data


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


# --- distress calls -------------------------------------------------------------------------

from cases.models import CALL_IDENTITY_FIELDS  # noqa: E402
from cases.services import MAX_PERSONS_PER_CALL, too_many_persons  # noqa: E402
from cases.vocab import (  # noqa: E402
    CallChannel,
    CallerRelation,
    CaseStatus,
    ConsentMethod,
    ConsentPurpose,
    ExploitationType,
    MeansOfControl,
    Sex,
    TraffickingStatus,
    Urgency,
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


class CaseRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    reference = serializers.CharField(read_only=True)


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


class DistressCallSerializer(serializers.ModelSerializer):
    organization = OrganizationRefSerializer(read_only=True)
    reported_country = serializers.CharField(source="reported_country.code", read_only=True)
    cases = serializers.SerializerMethodField()
    # Identity: present only with view-identity on every case of the call.
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
        if not getattr(instance, "can_view_identity", False):
            for name in CALL_IDENTITY_FIELDS:
                data.pop(name, None)
            # The summary is free text told by the caller: identity too.
            data.pop("summary", None)
        elif data.get("caller_phone") is not None:
            data["caller_phone"] = str(instance.caller_phone or "")
        return data


# --- case update ----------------------------------------------------------------------------


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


class ConflictSerializer(serializers.Serializer):
    class _Error(serializers.Serializer):
        code = serializers.CharField()
        message = serializers.CharField()
        current_version = serializers.IntegerField()

    error = _Error()


# --- consents -------------------------------------------------------------------------------


class ConsentCreateSerializer(serializers.Serializer):
    purpose = serializers.ChoiceField(choices=ConsentPurpose.choices)
    granted = serializers.BooleanField()
    method = serializers.ChoiceField(choices=ConsentMethod.choices)
    given_at = serializers.DateTimeField(required=False)
    note = model_text(Consent, "note", required=False, allow_blank=True)


# --- referrals ------------------------------------------------------------------------------

from referrals.models import Referral, ReferralService  # noqa: E402
from repatriation.models import RepatriationPlan, RepatriationStep, StepStatus  # noqa: E402


class ReferralSerializer(serializers.ModelSerializer):
    """What the receiving organisation needs to decide — never the person's identity. The
    case itself opens to the receiver only once it accepts."""

    case = CaseRefSerializer(read_only=True)
    from_organization = OrganizationRefSerializer(read_only=True)
    to_organization = OrganizationRefSerializer(read_only=True)

    class Meta:
        model = Referral
        fields = [
            "id",
            "case",
            "from_organization",
            "to_organization",
            "service",
            "urgency",
            "message",
            "status",
            "respond_by",
            "created_at",
            "responded_at",
            "decline_reason",
            "closed_at",
        ]
        read_only_fields = fields


class ReferralCreateSerializer(serializers.Serializer):
    case = serializers.IntegerField(min_value=1, help_text=_("The case to refer."))
    to_organization = serializers.IntegerField(min_value=1)
    service = serializers.ChoiceField(choices=ReferralService.choices)
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    message = model_text(Referral, "message", required=False, allow_blank=True)
    override_reason = model_text(
        Referral,
        "consent_override_reason",
        required=False,
        allow_blank=True,
        help_text=_("Coordinators only: refer without the person's consent, with a reason."),
    )


class DeclineSerializer(serializers.Serializer):
    reason = model_text(Referral, "decline_reason")


# --- repatriation ---------------------------------------------------------------------------


class RepatriationStepSerializer(serializers.ModelSerializer):
    plan = serializers.IntegerField(source="plan_id", read_only=True)
    responsible_organization = OrganizationRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = RepatriationStep
        fields = [
            "id",
            "plan",
            "order",
            "kind",
            "responsible_organization",
            "due_date",
            "status",
            "done_at",
            "note",
            "reason",
            "changed_at",
            "version",
        ]
        read_only_fields = fields


class RepatriationPlanSerializer(serializers.ModelSerializer):
    case = CaseRefSerializer(read_only=True)
    embassy = OrganizationRefSerializer(read_only=True, allow_null=True)
    lead_organization = OrganizationRefSerializer(read_only=True, allow_null=True)
    steps = RepatriationStepSerializer(many=True, read_only=True)
    # Identity: present only with view-identity.
    place = serializers.CharField(required=False)

    class Meta:
        model = RepatriationPlan
        fields = [
            "id",
            "case",
            "situation",
            "home_province",
            "embassy",
            "lead_organization",
            "target_return_date",
            "status",
            "created_at",
            "updated_at",
            "version",
            "steps",
            "place",
        ]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not getattr(instance, "can_view_identity", False):
            data.pop("place", None)
        return data


class StepUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1, help_text=_("The step's version you read; a stale one answers 409.")
    )
    # PATCH is partial: a field left out keeps its value (status included).
    status = serializers.ChoiceField(choices=StepStatus.choices, required=False)
    due_date = serializers.DateField(required=False, allow_null=True)
    note = model_text(RepatriationStep, "note", required=False, allow_blank=True)
    reason = model_text(
        RepatriationStep,
        "reason",
        required=False,
        allow_blank=True,
        help_text=_("Required when the step is blocked or skipped."),
    )


# --- notifications --------------------------------------------------------------------------

from notifications.models import Notification  # noqa: E402


class NotificationSerializer(serializers.ModelSerializer):
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "message", "link", "created_at", "read_at", "read"]
        read_only_fields = fields

    def get_read(self, notification) -> bool:
        return notification.read_at is not None


class MarkedReadSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text=_("How many notifications were marked read."))
