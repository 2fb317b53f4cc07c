"""Tokens: exchanging credentials for one, listing and revoking them."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import AuthenticationFailed, NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from partners.roles import Right, has_right

from .. import otp
from ..models import ApiToken
from ..serializers import tokens as sx
from ..services import api_token_issue, api_token_revoke
from ..throttling import TokenEndpointThrottle


@extend_schema(tags=["auth"])
class TokenView(APIView):
    """Exchange a username and password (and a TOTP code where the user has 2FA) for an
    expiring token. Rate limited per address."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenEndpointThrottle]

    def get_authenticate_header(self, request):
        # Wrong credentials answer 401 (with the scheme to use), not 403.
        return "Bearer"

    @extend_schema(
        request=sx.TokenRequestSerializer,
        responses={201: sx.TokenIssuedSerializer},
        examples=sx.REQUEST_EXAMPLES,
    )
    def post(self, request):
        serializer = sx.TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = authenticate(request._request, username=data["username"], password=data["password"])
        if user is None or not getattr(user, "organization_id", None):
            raise AuthenticationFailed(_("Wrong username or password."))
        if otp.user_has_device(user) and not otp.verify(user, data.get("otp", "")):
            raise ValidationError({"otp": [_("Enter the current code from your authenticator.")]})
        token, raw = api_token_issue(user=user, name=data.get("name", ""), request=request._request)
        return Response(
            {"id": token.pk, "token": raw, "expires_at": token.expires_at},
            status=status.HTTP_201_CREATED,
        )


@extend_schema(tags=["auth"])
@extend_schema_view(list=extend_schema(examples=sx.LIST_EXAMPLES))
class ApiTokenViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """Your tokens; an organisation admin sees and may revoke those of their organisation's
    users. DELETE revokes (the row stays, for the audit trail)."""

    serializer_class = sx.ApiTokenSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return ApiToken.objects.none()
        user = self.request.user
        qs = ApiToken.objects.select_related("user")
        if has_right(user, Right.MANAGE_API_TOKENS):
            return qs.filter(user__organization_id=user.organization_id)
        return qs.filter(user=user)

    def destroy(self, request, *args, **kwargs):
        if not str(kwargs["pk"]).isdigit():
            raise NotFound(_("Not found."))
        token = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
        api_token_revoke(token=token, by=request.user, request=request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)
