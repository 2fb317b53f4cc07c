"""Your notifications: listing them, marking them read."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from notifications.models import Notification
from notifications.selectors import for_user
from notifications.services import notification_mark_read

from ..serializers import notifications as sx
from .common import IntegerIdMixin, pk_or_404


@extend_schema(tags=["notifications"])
class NotificationViewSet(IntegerIdMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Your own notifications, newest first (never a person's name, phone or location)."""

    serializer_class = sx.NotificationSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        qs = for_user(self.request.user).order_by("-created_at", "-id")
        if self.request.query_params.get("unread") in ("1", "true"):
            qs = qs.filter(read_at__isnull=True)
        return qs

    @extend_schema(
        parameters=[OpenApiParameter("unread", OpenApiTypes.BOOL, description="Only unread")],
        examples=sx.LIST_EXAMPLES,
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=None,
        responses={200: sx.NotificationSerializer},
        examples=sx.READ_EXAMPLES,
    )
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None, **kwargs):
        """Mark one of your notifications read (another user's answers 404)."""
        notification = get_object_or_404(self.get_queryset(), pk=pk_or_404(pk))
        notification_mark_read(user=request.user, notification_id=notification.pk)
        notification.refresh_from_db()
        return Response(self.get_serializer(notification).data)

    @extend_schema(
        request=None,
        responses={200: sx.MarkedReadSerializer},
        examples=sx.READ_ALL_EXAMPLES,
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request, **kwargs):
        """Mark all your notifications read."""
        return Response({"marked": notification_mark_read(user=request.user)})
