"""Screening interviews and trafficking events of a case (identification). Identity-level
fields (evidence notes, interview notes, the interpreter's name, the vessel or workplace)
are absent for a reader without view identity: ``identification.fields.redact`` decides, as
for the page and the PDF."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cases.vocab import Industry
from config.dates import PAST_EVENT
from identification import fields as idfields
from identification import gazetteer
from identification.indicators import (
    QUESTIONS,
    Answer,
    IndicatorSet,
    RecruitmentMethod,
    Stage,
)
from identification.models import (
    MAX_DEBT,
    IndicatorAnswer,
    Interview,
    TraffickingEvent,
)
from identification.summary import summary_of

from .. import examples as ex
from .common import model_text

MAX_ANSWERS = sum(len(v.values) for v in QUESTIONS.values())


class PlaceRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    country = serializers.CharField()


class PlaceInputField(serializers.CharField):
    """A place's name in any script, or its gazetteer code; an unknown name is refused
    with the nearest names (the page's rule)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", gazetteer.MAX_QUERY)
        kwargs.setdefault(
            "help_text", _("A gazetteer code or a place's name in any language or script.")
        )
        super().__init__(**kwargs)

    def run_validation(self, data=serializers.empty):
        text = super().run_validation(data)  # the length limit, on the text
        if not text:
            return None
        try:
            return gazetteer.resolve(text)
        except gazetteer.UnknownPlace as e:
            raise serializers.ValidationError(e.message) from None


def _place(place) -> dict | None:
    if place is None:
        return None
    return {"code": place.code, "name": place.name, "kind": place.kind, "country": place.country}


class AnswerSerializer(serializers.Serializer):
    set = serializers.ChoiceField(choices=IndicatorSet.choices)
    code = serializers.CharField(max_length=40, help_text=_("The question's code."))
    answer = serializers.ChoiceField(choices=Answer.choices)
    evidence = model_text(
        IndicatorAnswer,
        "evidence",
        required=False,
        allow_blank=True,
        help_text=_("Free text. Shown only to users who may view the person's identity."),
    )


class SummarySerializer(serializers.Serializer):
    ilo_yes = serializers.IntegerField()
    ilo_total = serializers.IntegerField()
    act = serializers.BooleanField()
    means = serializers.BooleanField()
    purpose = serializers.BooleanField()
    means_required = serializers.BooleanField()
    elements_present = serializers.BooleanField()
    suggested_means_of_control = serializers.ListField(child=serializers.CharField())
    suggested_exploitation_types = serializers.ListField(child=serializers.CharField())


class InterviewSerializer(serializers.Serializer):
    """An interview as read. ``summary`` says what the answers point to; it is no decision."""

    id = serializers.IntegerField()
    held_on = serializers.DateField()
    place = PlaceRefSerializer(allow_null=True)
    interviewer = serializers.CharField()
    interpreter_name = serializers.CharField(required=False)
    interpreter_language = serializers.CharField()
    consented_to_interview = serializers.BooleanField()
    support_person_present = serializers.BooleanField()
    means_required = serializers.BooleanField(allow_null=True)
    status = serializers.CharField()
    notes = serializers.CharField(required=False)
    answers = AnswerSerializer(many=True)
    summary = SummarySerializer()

    def to_representation(self, interview: Interview) -> dict:
        perms = self.context.get("perms", frozenset())
        s = summary_of(interview)
        data = {
            "id": interview.pk,
            "held_on": interview.held_on.isoformat(),
            "place": _place(interview.place),
            "interviewer": interview.interviewer.username if interview.interviewer else "",
            "interpreter_name": interview.interpreter_name,
            "interpreter_language": interview.interpreter_language,
            "consented_to_interview": interview.consented_to_interview,
            "support_person_present": interview.support_person_present,
            "means_required": interview.means_required,
            "status": interview.status,
            "notes": interview.notes,
            "answers": [
                idfields.redact(
                    a,
                    {"set": a.set, "code": a.code, "answer": a.answer, "evidence": a.evidence},
                    perms,
                )
                for a in interview.answers.all()
            ],
            "summary": {
                "ilo_yes": s.ilo_yes,
                "ilo_total": s.ilo_total,
                "act": s.act,
                "means": s.means,
                "purpose": s.purpose,
                "means_required": s.means_required,
                "elements_present": s.elements_present,
                "suggested_means_of_control": s.means_of_control,
                "suggested_exploitation_types": s.exploitation_types,
            },
        }
        return idfields.redact(interview, data, perms)


class InterviewWriteSerializer(serializers.Serializer):
    """Create or resume a draft. Every question may be left out; ``answers`` replaces the
    answers of the sets it names and keeps the others. ``complete: true`` completes it."""

    held_on = serializers.DateField(validators=[PAST_EVENT])
    place = PlaceInputField(required=False, allow_blank=True, allow_null=True)
    interpreter_name = model_text(Interview, "interpreter_name", required=False, allow_blank=True)
    interpreter_language = serializers.ChoiceField(
        choices=[("", "—"), *settings.LANGUAGES], required=False, allow_blank=True
    )
    consented_to_interview = serializers.BooleanField(required=False)
    support_person_present = serializers.BooleanField(required=False)
    means_required = serializers.BooleanField(required=False, allow_null=True)
    notes = model_text(Interview, "notes", required=False, allow_blank=True)
    answers = AnswerSerializer(many=True, required=False, max_length=MAX_ANSWERS)
    complete = serializers.BooleanField(required=False, default=False)

    def service_args(self) -> tuple[dict, dict, bool]:
        data = dict(self.validated_data)
        complete = data.pop("complete", False)
        answers: dict[str, dict[str, tuple[str, str]]] = {}
        for item in data.pop("answers", []):
            answers.setdefault(item["set"], {})[item["code"]] = (
                item["answer"],
                item.get("evidence", ""),
            )
        return data, answers, complete


class EventSerializer(serializers.Serializer):
    """A trafficking event as read (HTCDS historic trafficking event). ``workplace`` (the
    vessel or workplace) is absent without view identity."""

    id = serializers.IntegerField()
    stage = serializers.ChoiceField(choices=Stage.choices)
    place = PlaceRefSerializer()
    started_on = serializers.DateField(allow_null=True)
    ended_on = serializers.DateField(allow_null=True)
    period = serializers.CharField()
    recruitment_method = serializers.CharField()
    recruitment_app = serializers.CharField()
    debt_amount = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    debt_currency = serializers.CharField()
    industry = serializers.CharField()
    workplace = serializers.CharField(required=False)

    def to_representation(self, e: TraffickingEvent) -> dict:
        data = {
            "id": e.pk,
            "stage": e.stage,
            "place": _place(e.place),
            "started_on": e.started_on.isoformat() if e.started_on else None,
            "ended_on": e.ended_on.isoformat() if e.ended_on else None,
            "period": e.period,
            "recruitment_method": e.recruitment_method,
            "recruitment_app": e.recruitment_app,
            "debt_amount": None if e.debt_amount is None else f"{e.debt_amount:.2f}",
            "debt_currency": e.debt_currency,
            "industry": e.industry,
            "workplace": e.workplace,
        }
        return idfields.redact(e, data, self.context.get("perms", frozenset()))


class EventWriteSerializer(serializers.Serializer):
    """Add or correct an event. The object's rules (dates in order, a recruitment method only
    for a recruitment, the debt's amount with its currency) are the service's (full_clean),
    the same as on the page; limits come from the model."""

    stage = serializers.ChoiceField(choices=Stage.choices)
    place = PlaceInputField(allow_null=False)
    started_on = serializers.DateField(validators=[PAST_EVENT], required=False, allow_null=True)
    ended_on = serializers.DateField(validators=[PAST_EVENT], required=False, allow_null=True)
    period = model_text(TraffickingEvent, "period", required=False, allow_blank=True)
    recruitment_method = serializers.ChoiceField(
        choices=RecruitmentMethod.choices, required=False, allow_blank=True
    )
    recruitment_app = model_text(
        TraffickingEvent, "recruitment_app", required=False, allow_blank=True
    )
    debt_amount = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=0,
        max_value=MAX_DEBT,
        required=False,
        allow_null=True,
    )
    debt_currency = model_text(TraffickingEvent, "debt_currency", required=False, allow_blank=True)
    industry = serializers.ChoiceField(choices=Industry.choices, required=False, allow_blank=True)
    workplace = model_text(
        TraffickingEvent,
        "workplace",
        required=False,
        allow_blank=True,
        help_text=_("Identifying: needs view identity to set."),
    )


# OpenAPI examples (beside the serializers, as for the other resources).
_PLACE = {"code": "port:TH-KANTANG", "name": "Kantang", "kind": "port", "country": "TH"}
INTERVIEW = {
    "id": 7,
    "held_on": "2026-11-28",
    "place": {"code": "KH-12", "name": "Phnom Penh", "kind": "province", "country": "KH"},
    "interviewer": "caseworker",
    "interpreter_name": "Chenda Lim",
    "interpreter_language": "km",
    "consented_to_interview": True,
    "support_person_present": True,
    "means_required": None,
    "status": "draft",
    "notes": "Tired; asked to stop after the first set.",
    "answers": [
        {"set": "ilo", "code": "debt_bondage", "answer": "yes", "evidence": "Broker's fee"},
        {"set": "ilo", "code": "isolation", "answer": "declined"},
    ],
    "summary": {
        "ilo_yes": 1,
        "ilo_total": 11,
        "act": False,
        "means": False,
        "purpose": False,
        "means_required": True,
        "elements_present": False,
        "suggested_means_of_control": ["debt_bondage"],
        "suggested_exploitation_types": ["forced_labour"],
    },
}
EVENT = {
    "id": 3,
    "stage": "exploitation",
    "place": _PLACE,
    "started_on": "2025-12-01",
    "ended_on": None,
    "period": "",
    "recruitment_method": "",
    "recruitment_app": "",
    "debt_amount": None,
    "debt_currency": "",
    "industry": "03.11",
    "workplace": "Chor. Kantang 21",
}
INTERVIEW_LIST_EXAMPLES = [ex.answer("Interviews of a case", [INTERVIEW]), ex.ERROR_404]
INTERVIEW_DETAIL_EXAMPLES = [ex.answer("An interview (a draft)", INTERVIEW), ex.ERROR_404]
INTERVIEW_CREATE_EXAMPLES = [
    ex.sent(
        "Start, answer one question, pause",
        {
            "held_on": "2026-11-28",
            "place": "Phnom Penh",
            "interpreter_language": "km",
            "consented_to_interview": True,
            "answers": [{"set": "ilo", "code": "debt_bondage", "answer": "yes"}],
        },
    ),
    ex.created("Saved as a draft", INTERVIEW),
    ex.ERROR_404,
]
INTERVIEW_UPDATE_EXAMPLES = [
    ex.sent(
        "Resume and complete",
        {
            "answers": [{"set": "amp", "code": "act_recruitment", "answer": "yes"}],
            "complete": True,
        },
    ),
    ex.answer("Completed", {**INTERVIEW, "status": "complete"}),
    ex.ERROR_404,
]
EVENT_LIST_EXAMPLES = [ex.answer("Events of a case", [EVENT]), ex.ERROR_404]
EVENT_DETAIL_EXAMPLES = [ex.answer("An event", EVENT), ex.ERROR_404]
EVENT_CREATE_EXAMPLES = [
    ex.sent(
        "Exploitation on a vessel out of a Thai port (typed in Thai)",
        {
            "stage": "exploitation",
            "place": "กันตัง",
            "industry": "03.11",
            "workplace": "Chor. Kantang 21",
        },
    ),
    ex.created("Recorded", EVENT),
    ex.ERROR_404,
]
EVENT_UPDATE_EXAMPLES = [
    ex.sent("Correct the dates", {"started_on": "2025-12-01"}),
    ex.answer("Corrected", EVENT),
    ex.ERROR_404,
]
