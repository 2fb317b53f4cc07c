"""The partner directory."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from partners.models import Organization

from ..serializers import organizations as sx
from .common import IntegerIdMixin


@extend_schema(tags=["organisations"])
@extend_schema_view(
    list=extend_schema(examples=sx.LIST_EXAMPLES),
    retrieve=extend_schema(examples=sx.DETAIL_EXAMPLES),
)
class OrganizationViewSet(IntegerIdMixin, viewsets.ReadOnlyModelViewSet):
    """Partner organisations (public directory: names, kinds, countries)."""

    serializer_class = sx.OrganizationSerializer
    queryset = Organization.objects.filter(is_active=True).order_by("name")
