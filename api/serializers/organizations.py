"""The partner directory."""

from __future__ import annotations

from rest_framework import serializers

from partners.models import Organization

from .. import examples as ex


class OrganizationSerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country.code", read_only=True)

    class Meta:
        model = Organization
        fields = ["id", "name", "code", "kind", "country", "city", "languages"]
        read_only_fields = fields


# --- examples -------------------------------------------------------------------------------

ORGANISATION = {
    "id": 3,
    "name": "Mekong Lifeline Cambodia",
    "code": "mlc",
    "kind": "ngo",
    "country": "KH",
    "city": "Phnom Penh",
    "languages": "km, en",
}
LIST_EXAMPLES = [ex.answer("The directory", ORGANISATION, list_page=True)]
DETAIL_EXAMPLES = [ex.answer("One organisation", ORGANISATION), ex.ERROR_404]
