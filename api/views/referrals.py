"""Referrals: sent and received, sending one, and its transitions (accept, decline,
complete, cancel) through the referral services the pages use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from cases import access
from referrals import selectors as referral_selectors
from referrals import services as referral_services
from referrals.access import referral_for, referrals_visible_to
from referrals.forms import DeclineForm, ReferralForm
from referrals.models import Referral

from ..idempotency import idempotent
from ..serializers import referrals as sx
from .common import IDEMPOTENCY_HEADER, IntegerIdMixin, form_valid, pk_or_404, validated


def _referral_queryset(qs):
    return qs.select_related("case", "from_organization", "to_organization")


@dataclass(frozen=True)
class Transition:
    """What one referral transition declares; the rest is ``ReferralViewSet._transition``.

    ``service`` makes it (referrals/services.py). A transition with a ``body`` reads it with
    that serializer and the page's ``form``, whose cleaned data go to the service. Who may
    make it is the services' rule (``require_party``), checked before the body, so that the
    other side answers 403 whatever the body, as on the page."""

    service: Callable[..., Referral]
    body: type[serializers.Serializer] | None = None
    form: type[forms.Form] | None = None

    def __post_init__(self) -> None:
        assert (self.body is None) == (self.form is None), "a body needs its form, and back"


# What each transition's operation says in the schema; its examples stand beside the
# serializers (api/serializers/referrals.py).
DESCRIPTIONS = {
    "accept": "The receiving organisation accepts: it is granted what the service needs.",
    "decline": "The receiving organisation declines, with a reason. Nothing is granted.",
    "complete": "The service was delivered: the receiver keeps read-only access.",
    "cancel": "The sender withdraws a pending or accepted referral.",
}


def transition_action(name: str, transition: Transition):
    """The action POST /referrals/{id}/<name>/ making ``transition``. ``name`` is the
    attribute's (DRF checks that they match)."""

    def act(self, request, pk=None, **kwargs):
        return self._transition(request, name, transition)

    act.__name__ = act.__qualname__ = name
    act.__doc__ = DESCRIPTIONS[name]
    schema = extend_schema(
        request=transition.body,
        responses={200: sx.ReferralSerializer},
        examples=sx.TRANSITION_EXAMPLES[name],
    )
    return schema(action(detail=True, methods=["post"])(act))


@extend_schema(tags=["referrals"])
class ReferralViewSet(
    IntegerIdMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Referrals your organisation sent or received (roles that work on cases). A referral
    shows reference, service, urgency and message — never who the person is; the receiver
    may open the case only after accepting. Transitions go through the referral services the
    pages use: a referral that is not in the right state answers 400."""

    serializer_class = sx.ReferralSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Referral.objects.none()
        box = self.request.query_params.get("box", "")
        if box == "incoming":
            return referral_selectors.incoming(self.request.user)
        if box == "outgoing":
            return referral_selectors.outgoing(self.request.user)
        if box:
            raise ValidationError({"box": [_("Choose incoming or outgoing.")]})
        return _referral_queryset(referrals_visible_to(self.request.user)).order_by(
            "-created_at", "-id"
        )

    def get_object(self):
        return referral_for(
            self.request.user,
            pk_or_404(self.kwargs["pk"]),
            queryset=_referral_queryset(Referral.objects.all()),
        )

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "box",
                OpenApiTypes.STR,
                enum=["incoming", "outgoing"],
                description="Only referrals received (pending first) or sent",
            )
        ],
        examples=sx.LIST_EXAMPLES,
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(examples=sx.DETAIL_EXAMPLES)
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        request=sx.ReferralCreateSerializer,
        responses={201: sx.ReferralSerializer},
        parameters=[IDEMPOTENCY_HEADER],
        examples=sx.CREATE_EXAMPLES,
    )
    @idempotent
    def create(self, request, *args, **kwargs):
        data = validated(sx.ReferralCreateSerializer, request)
        case = access.case_for(request.user, data.pop("case"), access.REFER)
        user = request.user
        form = ReferralForm(data=data, organization=user.organization)
        form_valid(form)
        referral = referral_services.referral_create_from_form(
            by=user, case=case, cleaned_data=form.cleaned_data, request=request._request
        )
        referral = _referral_queryset(Referral.objects.all()).get(pk=referral.pk)
        return Response(self.get_serializer(referral).data, status=status.HTTP_201_CREATED)

    def _transition(self, request, step: str, transition: Transition) -> Response:
        """404 for a referral the caller may not see; then the body, if the transition takes
        one; then the service, whose refusals answer through api/exceptions.py (403 for who
        may not, 400 for a referral not in the right state); then the referral as it is."""
        referral = self.get_object()
        options: dict[str, Any] = {}
        referral_services.require_party(request.user, referral, step)
        if transition.body is not None and transition.form is not None:
            form = transition.form(data=validated(transition.body, request))
            form_valid(form)
            options = form.cleaned_data
        referral = transition.service(
            by=request.user, referral=referral, request=request._request, **options
        )
        referral = _referral_queryset(Referral.objects.all()).get(pk=referral.pk)
        return Response(self.get_serializer(referral).data)

    accept = transition_action("accept", Transition(referral_services.referral_accept))
    decline = transition_action(
        "decline",
        Transition(
            referral_services.referral_decline,
            body=sx.DeclineSerializer,
            form=DeclineForm,
        ),
    )
    complete = transition_action("complete", Transition(referral_services.referral_complete))
    cancel = transition_action("cancel", Transition(referral_services.referral_cancel))
