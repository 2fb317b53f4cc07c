"""Screening interviews and trafficking events of a case, through the same services as the
pages (identification.services). The case is reached through cases.access."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.response import Response

from cases import access
from identification import services
from identification.models import Interview, TraffickingEvent

from ..idempotency import idempotent
from ..serializers import identification as sx
from .common import IDEMPOTENCY_HEADER, pk_or_404, validated

ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)


class _CaseChild(viewsets.ViewSet):
    def _case(self, perm: str = access.VIEW):
        return access.case_for(self.request.user, self.kwargs["case_pk"], perm)

    def _context(self, case) -> dict:
        return {"perms": access.perms_for(self.request.user, case), "request": self.request}


@extend_schema(tags=["identification"])
class InterviewViewSet(_CaseChild):
    """Screening interviews of a case. Creating and resuming need the change permission; a
    complete interview is no longer changed. Evidence notes, interview notes and the
    interpreter's name are absent without view identity."""

    def _interview(self, case, pk):
        interview = (
            Interview.objects.filter(case=case, pk=pk_or_404(pk))
            .select_related("place", "interviewer", "case__person")
            .prefetch_related("answers")
            .first()
        )
        if interview is None:
            raise Http404
        return interview

    @extend_schema(responses=sx.InterviewSerializer(many=True), examples=sx.INTERVIEW_LIST_EXAMPLES)
    def list(self, request, case_pk=None, **kwargs):
        case = self._case()
        rows = (
            Interview.objects.filter(case=case)
            .select_related("place", "interviewer", "case__person")
            .prefetch_related("answers")[:100]
        )
        return Response(sx.InterviewSerializer(rows, many=True, context=self._context(case)).data)

    @extend_schema(
        responses=sx.InterviewSerializer, parameters=[ID], examples=sx.INTERVIEW_DETAIL_EXAMPLES
    )
    def retrieve(self, request, case_pk=None, pk=None, **kwargs):
        case = self._case()
        interview = self._interview(case, pk)
        return Response(sx.InterviewSerializer(interview, context=self._context(case)).data)

    @extend_schema(
        request=sx.InterviewWriteSerializer,
        responses={201: sx.InterviewSerializer},
        parameters=[IDEMPOTENCY_HEADER],
        examples=sx.INTERVIEW_CREATE_EXAMPLES,
    )
    @idempotent
    def create(self, request, case_pk=None, **kwargs):
        case = self._case(access.CHANGE)
        body = request.data if isinstance(request.data, dict) else None
        if body is None:
            validated(sx.InterviewWriteSerializer, request)  # the API's "send a JSON object"
        serializer = sx.InterviewWriteSerializer(data=body)
        serializer.is_valid(raise_exception=True)
        fields, answers, complete = serializer.service_args()
        interview = services.interview_save(
            case=case, by=request.user, fields=fields, answers=answers, complete=complete
        )
        interview = self._interview(case, interview.pk)
        return Response(
            sx.InterviewSerializer(interview, context=self._context(case)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        request=sx.InterviewWriteSerializer,
        responses=sx.InterviewSerializer,
        parameters=[ID],
        examples=sx.INTERVIEW_UPDATE_EXAMPLES,
    )
    def partial_update(self, request, case_pk=None, pk=None, **kwargs):
        case = self._case(access.CHANGE)
        interview = self._interview(case, pk)
        body = request.data if isinstance(request.data, dict) else {}
        serializer = sx.InterviewWriteSerializer(data=body, partial=True)
        serializer.is_valid(raise_exception=True)
        fields, answers, complete = serializer.service_args()
        services.interview_save(
            case=case,
            by=request.user,
            fields=fields,
            answers=answers,
            complete=complete,
            interview=interview,
        )
        interview = self._interview(case, pk)
        return Response(sx.InterviewSerializer(interview, context=self._context(case)).data)


@extend_schema(tags=["identification"])
class EventViewSet(_CaseChild):
    """Trafficking events of a case (HTCDS historic trafficking events). The place is a
    gazetteer name in any script or its code."""

    def _event(self, case, pk):
        event = (
            TraffickingEvent.objects.filter(case=case, pk=pk_or_404(pk))
            .select_related("place")
            .first()
        )
        if event is None:
            raise Http404
        return event

    @extend_schema(responses=sx.EventSerializer(many=True), examples=sx.EVENT_LIST_EXAMPLES)
    def list(self, request, case_pk=None, **kwargs):
        case = self._case()
        rows = TraffickingEvent.objects.filter(case=case).select_related("place")[:100]
        return Response(sx.EventSerializer(rows, many=True, context=self._context(case)).data)

    @extend_schema(responses=sx.EventSerializer, parameters=[ID], examples=sx.EVENT_DETAIL_EXAMPLES)
    def retrieve(self, request, case_pk=None, pk=None, **kwargs):
        case = self._case()
        return Response(sx.EventSerializer(self._event(case, pk), context=self._context(case)).data)

    @extend_schema(
        request=sx.EventWriteSerializer,
        responses={201: sx.EventSerializer},
        parameters=[IDEMPOTENCY_HEADER],
        examples=sx.EVENT_CREATE_EXAMPLES,
    )
    @idempotent
    def create(self, request, case_pk=None, **kwargs):
        case = self._case(access.CHANGE)
        data = validated(sx.EventWriteSerializer, request)
        event = services.event_save(case=case, by=request.user, fields=data)
        return Response(
            sx.EventSerializer(event, context=self._context(case)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        request=sx.EventWriteSerializer,
        responses=sx.EventSerializer,
        parameters=[ID],
        examples=sx.EVENT_UPDATE_EXAMPLES,
    )
    def partial_update(self, request, case_pk=None, pk=None, **kwargs):
        case = self._case(access.CHANGE)
        event = self._event(case, pk)
        body = request.data if isinstance(request.data, dict) else {}
        serializer = sx.EventWriteSerializer(data=body, partial=True)
        serializer.is_valid(raise_exception=True)
        event = services.event_save(
            case=case, by=request.user, fields=dict(serializer.validated_data), event=event
        )
        return Response(sx.EventSerializer(event, context=self._context(case)).data)
