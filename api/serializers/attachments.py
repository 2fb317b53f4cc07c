"""Attachments: what a file is (never its bytes: those come from ``download``)."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import OpenApiExample
from rest_framework import serializers

from config.dates import PAST_EVENT
from documents.models import ATTACHMENT_FIELDS, Attachment, AttachmentKind

from .common import DisclosedFieldsMixin, OrganizationRefSerializer, model_text


class AttachmentSerializer(DisclosedFieldsMixin, serializers.ModelSerializer):
    """Description and file name may name the person: present only with view identity."""

    disclosure_group = ATTACHMENT_FIELDS
    description = serializers.CharField(required=False)
    original_name = serializers.CharField(required=False)

    organization = OrganizationRefSerializer(read_only=True)
    uploaded_by = serializers.CharField(source="uploaded_by.username", read_only=True)
    repatriation_step = serializers.IntegerField(source="repatriation_step_id", read_only=True)
    has_thumbnail = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = [
            "id",
            "case",
            "kind",
            "document_date",
            "description",
            "original_name",
            "content_type",
            "size",
            "width",
            "height",
            "sha256",
            "uploaded_by",
            "organization",
            "repatriation_step",
            "created_at",
            "replaced_at",
            "has_thumbnail",
            "download_url",
        ]
        read_only_fields = fields

    def get_has_thumbnail(self, obj) -> bool:
        return bool(obj.thumbnail_name)

    def get_download_url(self, obj) -> str:
        return reverse("api:attachment-download", args=[obj.pk])


class AttachmentUploadSerializer(serializers.Serializer):
    """Multipart: one or more ``files`` and what they are. Each file is checked as on the
    page (type from the bytes, size, images re-encoded without metadata)."""

    files = serializers.ListField(child=serializers.FileField(), allow_empty=False)
    kind = serializers.ChoiceField(choices=AttachmentKind.choices)
    description = model_text(Attachment, "description", required=False, allow_blank=True)
    document_date = serializers.DateField(required=False, allow_null=True, validators=[PAST_EVENT])
    repatriation_step = serializers.IntegerField(required=False, allow_null=True, min_value=1)


_ONE = {
    "id": 12,
    "case": 42,
    "kind": "passport_or_id",
    "document_date": "2025-11-03",
    "description": "Photo page",
    "original_name": "scan.jpg",
    "content_type": "image/jpeg",
    "size": 184220,
    "width": 1600,
    "height": 1130,
    "sha256": "9f2c…",
    "uploaded_by": "caseworker",
    "organization": {"id": 1, "name": "Mekong Lifeline Cambodia"},
    "repatriation_step": None,
    "created_at": "2026-01-10T09:12:00+07:00",
    "replaced_at": None,
    "has_thumbnail": True,
    "download_url": "/api/v1/attachments/12/download/",
}
LIST_EXAMPLES = [OpenApiExample("A passport scan", value=[_ONE], response_only=True)]
DETAIL_EXAMPLES = [OpenApiExample("A passport scan", value=_ONE, response_only=True)]
UPLOAD_EXAMPLES = [
    OpenApiExample(
        "Two pages of a passport",
        value={"files": ["page1.jpg", "page2.jpg"], "kind": "passport_or_id"},
        request_only=True,
        media_type="multipart/form-data",
    ),
    OpenApiExample("Stored", value=[_ONE], response_only=True, status_codes=["201"]),
]
DOWNLOAD_EXAMPLES = [
    OpenApiExample(
        "The file's bytes",
        value="%PDF-1.7 …",
        response_only=True,
        media_type="application/octet-stream",
    )
]
