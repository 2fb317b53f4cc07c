"""Reintegration: a case's services and follow-ups, recording a follow-up, the directory.
The same services and selectors as the pages (reintegration.services, .followups,
.directory, .selectors); cases through cases.access."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from cases import access, disclosure
from cases.models import Case
from partners.models import Organization
from referrals.models import Referral
from reintegration import directory, followups, selectors, services
from reintegration.models import (
    FOLLOW_UP_FIELDS,
    SERVICE_FIELDS,
    FollowUp,
    ServiceOffer,
    ServiceRecord,
)

from ..idempotency import idempotent
from ..serializers import reintegration as sx
from .cases import CaseChildMixin
from .common import IntegerIdMixin


def _refuse_hidden(user, case: Case, group, data) -> None:
    """A write naming an identity field the caller may not see is refused by name."""
    hidden = disclosure.for_case(user, case).hidden(group) & set(data)
    if hidden:
        raise ValidationError({name: [str(disclosure.NOT_YOURS)] for name in sorted(hidden)})


@extend_schema(tags=["reintegration"])
class CaseServiceViewSet(
    CaseChildMixin, mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Services delivered on a case (loans and grants with repayments). Recording one needs
    ``record_services`` on the case: the owner, or a provider an accepted referral granted it."""

    serializer_class = sx.ServiceRecordSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ServiceRecord.objects.none()
        return selectors.services_of(self.get_case())

    @extend_schema(examples=sx.SERVICE_LIST_EXAMPLES)
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        examples=sx.SERVICE_CREATE_EXAMPLES,
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="Retry-safe create: same key, same answer.",
            )
        ],
    )
    @idempotent
    def create(self, request, *args, **kwargs):
        case = self.get_case()
        access.require(request.user, case, access.RECORD_SERVICES)
        _refuse_hidden(request.user, case, SERVICE_FIELDS, request.data)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        provider_id = data.pop("provider_id", None)
        referral_id = data.pop("referral_id", None)
        if provider_id is not None:
            data["provider"] = Organization.objects.filter(pk=provider_id, is_active=True).first()
            if data["provider"] is None:
                raise ValidationError({"provider_id": ["No such organisation."]})
        if referral_id is not None:
            data["referral"] = Referral.objects.filter(pk=referral_id, case=case).first()
            if data["referral"] is None:
                raise ValidationError({"referral_id": ["No such referral on this case."]})
        record = services.service_record_create(case=case, by=request.user, **data)
        record = selectors.services_of(case).get(pk=record.pk)
        return Response(self.get_serializer(record).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["reintegration"])
class CaseFollowUpViewSet(CaseChildMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The case's follow-ups at 3, 6 and 12 months after the return, with their outcomes."""

    serializer_class = sx.FollowUpSerializer
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return FollowUp.objects.none()
        return selectors.follow_ups_of(self.get_case()).select_related("case")

    @extend_schema(examples=sx.FOLLOW_UP_LIST_EXAMPLES)
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


@extend_schema(tags=["reintegration"])
class FollowUpViewSet(
    IntegerIdMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    """One follow-up. Recording it (PATCH) needs ``record_services`` on the case and being the
    assigned organisation or the owner; it cannot be dated before the return."""

    serializer_class = sx.FollowUpSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return FollowUp.objects.none()

    def _follow_up(self, perm: str) -> FollowUp:
        fu = selectors.follow_up_for(self.request.user, self.kwargs["pk"], perm)
        # Read by DisclosedFieldsMixin, as on list rows.
        shown = access.user_can(self.request.user, fu.case, access.VIEW_IDENTITY)
        fu.can_view_identity = shown  # type: ignore[attr-defined]
        return fu

    @extend_schema(examples=sx.FOLLOW_UP_DETAIL_EXAMPLES)
    def retrieve(self, request, *args, **kwargs):
        return Response(self.get_serializer(self._follow_up(access.VIEW)).data)

    @extend_schema(examples=sx.FOLLOW_UP_UPDATE_EXAMPLES)
    def partial_update(self, request, *args, **kwargs):
        fu = self._follow_up(access.RECORD_SERVICES)
        if request.user.organization_id not in (
            fu.assigned_organization_id,
            fu.case.owner_organization_id,
        ):
            raise PermissionDenied
        _refuse_hidden(request.user, fu.case, FOLLOW_UP_FIELDS, request.data)
        serializer = self.get_serializer(fu, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        values = {
            name: serializer.validated_data.get(name, getattr(fu, name))
            for name in followups.RECORD_INPUT
            if name != "new_case"
        }
        reference = serializer.validated_data.get("new_case_reference", "").strip().upper()
        values["new_case"] = (
            access.cases_visible_to(request.user).filter(reference=reference).first()
            if reference
            else fu.new_case
        )
        if reference and values["new_case"] is None:
            raise ValidationError(
                {"new_case_reference": ["No case with this reference that you can see."]}
            )
        fu = followups.follow_up_record(follow_up=fu, by=request.user, **values)
        return Response(self.get_serializer(self._follow_up(access.VIEW)).data)


class OfferFilterSerializer(serializers.Serializer):
    service = serializers.CharField(required=False, max_length=24)
    country = serializers.CharField(required=False, max_length=2)
    province = serializers.CharField(required=False, max_length=6)
    sex = serializers.ChoiceField(required=False, choices=["male", "female"])
    age = serializers.IntegerField(required=False, min_value=0, max_value=120)


@extend_schema(tags=["reintegration"], parameters=[OfferFilterSerializer])
class ServiceOfferViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The service directory: what organisations offer, where (ISO 3166-2), for whom, and
    their free beds. Filtered in the database; every member may read it."""

    serializer_class = sx.ServiceOfferSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ServiceOffer.objects.none()
        params = OfferFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        f = params.validated_data
        return directory.offers(
            services=[f["service"]] if f.get("service") else [],
            country=f.get("country", "").upper(),
            province=f.get("province", "").upper() if f.get("country") else "",
            sex=f.get("sex", ""),
            age=f.get("age"),
        ).prefetch_related("areas")

    @extend_schema(examples=sx.OFFER_LIST_EXAMPLES)
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)
