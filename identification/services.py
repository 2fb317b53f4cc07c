"""Writes of identification. Each service is atomic, checks permission through cases.access
(and ``Right.DECIDE_IDENTIFICATION`` for a decision), writes, adds the timeline entry and the
audit event. Pages and the API call these functions; tests call them directly."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditAction
from audit.services import audit_record
from cases import access, disclosure, timeline
from cases import services as case_services
from cases.models import Case
from cases.vocab import DecisionOrgKind
from partners.models import OrganizationKind, User
from partners.roles import Right, has_right

from . import fields as idfields
from .indicators import QUESTIONS, Answer, IndicatorSet, InterviewStatus
from .models import IdentificationDecision, IndicatorAnswer, Interview, TraffickingEvent

INTERVIEW_FIELDS = (
    "held_on",
    "place",
    "interpreter_name",
    "interpreter_language",
    "consented_to_interview",
    "support_person_present",
    "means_required",
    "notes",
)
EVENT_FIELDS = (
    "stage",
    "place",
    "started_on",
    "ended_on",
    "period",
    "recruitment_method",
    "recruitment_app",
    "debt_amount",
    "debt_currency",
    "industry",
    "workplace",
)
# The identity-level fields a user without view identity may neither set nor change.

# HTCDS vic_TraffickingStatusDecisionMakingOrg from the deciding organisation's kind.
DECIDER_KIND = {
    OrganizationKind.LAW_ENFORCEMENT: DecisionOrgKind.POLICE,
    OrganizationKind.GOVERNMENT: DecisionOrgKind.NON_POLICE_GOVERNMENT,
    OrganizationKind.EMBASSY: DecisionOrgKind.NON_POLICE_GOVERNMENT,
    OrganizationKind.NGO: DecisionOrgKind.NGO,
    OrganizationKind.SHELTER: DecisionOrgKind.NGO,
}


AnswerInput = dict[str, dict[str, tuple[str, str]]]
"""{set: {code: (answer, evidence)}}; a question left out is skipped (not answered)."""


def _check_answers(answers: AnswerInput) -> None:
    errors = []
    for set_code, items in answers.items():
        if set_code not in QUESTIONS:
            errors.append(_("Unknown indicator set “%(set)s”.") % {"set": set_code})
            continue
        codes = QUESTIONS[set_code].values
        for code, (answer, _evidence) in items.items():
            if code not in codes:
                errors.append(_("Unknown question “%(code)s”.") % {"code": code})
            elif answer not in Answer.values:
                errors.append(_("Unknown answer “%(answer)s”.") % {"answer": answer})
    if errors:
        raise ValidationError({"answers": errors})


def _write_answers(interview: Interview, answers: AnswerInput, *, identity: bool) -> None:
    """Replace the answers of the sets given. Without identity the evidence notes already
    written are kept as they are (the user never saw them)."""
    _check_answers(answers)
    for set_code, items in answers.items():
        old = {a.code: a for a in interview.answers.filter(set=set_code)}
        for code, (answer, evidence) in items.items():
            row = old.pop(code, None) or IndicatorAnswer(
                interview=interview, set=set_code, code=code
            )
            row.answer = answer
            if identity:
                row.evidence = evidence or ""
            row.full_clean(exclude=["interview"])
            row.save()
        if old:  # questions now skipped
            IndicatorAnswer.objects.filter(pk__in=[a.pk for a in old.values()]).delete()


@transaction.atomic
def interview_save(
    *,
    case: Case,
    by: User,
    fields: dict[str, Any],
    answers: AnswerInput,
    complete: bool = False,
    interview: Interview | None = None,
) -> Interview:
    """Create or resume-and-save an interview. A draft may leave every question out;
    completing it needs the person's agreement to the interview. Completing is not a
    decision: the status is decided by ``identification_decide``."""
    access.require(by, case, access.CHANGE)
    identity = access.user_can(by, case, access.VIEW_IDENTITY)
    unknown = set(fields) - set(INTERVIEW_FIELDS)
    if unknown:
        raise ValueError(f"Not interview fields: {sorted(unknown)}")
    group = idfields.GROUPS["Interview"]
    disclosure.require_identity_for(by, case, group, fields)
    created = interview is None
    if interview is None:
        assert by.organization is not None
        interview = Interview(case=case, interviewer=by, organization=by.organization)
    else:
        interview = Interview.objects.select_for_update().get(pk=interview.pk, case=case)
        if interview.status == InterviewStatus.COMPLETE:
            raise ValidationError(_("This interview is complete and can no longer be changed."))
    for name, value in fields.items():
        if name in group.identity and not identity:
            continue
        setattr(interview, name, value)
    if complete:
        if not interview.consented_to_interview:
            raise ValidationError(
                {
                    "consented_to_interview": _(
                        "An interview is completed only with the person's agreement to it."
                    )
                }
            )
        interview.status = InterviewStatus.COMPLETE
        interview.completed_at = timezone.now()
    interview.full_clean(exclude=["interviewer", "organization", "case"])
    interview.save()
    _write_answers(interview, answers, identity=identity)
    kind = (
        "interview_completed"
        if complete
        else ("interview_started" if created else "interview_saved")
    )
    timeline.record(case=case, kind=kind, actor=by, data={"interview": interview.pk})
    audit_record(
        action=AuditAction.CHANGED,
        actor=by,
        target=case,
        detail={"interview": interview.pk, "status": interview.status},
    )
    return interview


@transaction.atomic
def identification_decide(
    *, interview: Interview, status: str, reason: str, by: User
) -> IdentificationDecision:
    """The deciding organisation records the trafficking status from a complete interview.
    Needs ``change_case`` on the case and ``Right.DECIDE_IDENTIFICATION`` (coordinators).
    The case's status fields are written through ``cases.services.case_update``."""
    case = interview.case
    access.require(by, case, access.CHANGE)
    if not has_right(by, Right.DECIDE_IDENTIFICATION):
        raise PermissionDenied
    interview = Interview.objects.select_for_update().get(pk=interview.pk)
    if interview.status != InterviewStatus.COMPLETE:
        raise ValidationError(_("The interview is a draft: complete it before deciding from it."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for the decision.")})
    assert by.organization is not None
    decision = IdentificationDecision(
        case=case,
        interview=interview,
        status=status,
        reason=reason.strip(),
        decided_by=by,
        organization=by.organization,
    )
    decision.full_clean(exclude=["case", "interview", "decided_by", "organization"])
    current = Case.objects.get(pk=case.pk)
    case_services.case_update(
        case=current,
        by=by,
        version=current.version,
        changes={
            "trafficking_status": status,
            "trafficking_status_decided_by_org": by.organization,
            "trafficking_status_decider_kind": DECIDER_KIND.get(
                OrganizationKind(by.organization.kind), DecisionOrgKind.OTHER
            ),
            "trafficking_status_decided_by": "",
            "trafficking_status_decided_at": timezone.localdate(),
        },
    )
    decision.save()
    timeline.record(
        case=case,
        kind="identification_decided",
        actor=by,
        data={"status": status, "interview": interview.pk},  # codes
    )
    audit_record(
        action=AuditAction.CHANGED,
        actor=by,
        target=case,
        detail={
            "identification_decision": decision.pk,
            "interview": interview.pk,
            "status": status,
        },
    )
    return decision


@transaction.atomic
def event_save(
    *, case: Case, by: User, fields: dict[str, Any], event: TraffickingEvent | None = None
) -> TraffickingEvent:
    """Add or change a trafficking event (a stage of the person's story)."""
    access.require(by, case, access.CHANGE)
    identity = access.user_can(by, case, access.VIEW_IDENTITY)
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise ValueError(f"Not event fields: {sorted(unknown)}")
    group = idfields.GROUPS["TraffickingEvent"]
    disclosure.require_identity_for(by, case, group, fields)
    created = event is None
    if event is None:
        event = TraffickingEvent(case=case, created_by=by)
    else:
        event = TraffickingEvent.objects.select_for_update().get(pk=event.pk, case=case)
    for name, value in fields.items():
        if name in group.identity and not identity:
            continue
        if name == "debt_currency" and value:
            value = value.upper()
        setattr(event, name, value)
    event.full_clean(exclude=["case", "created_by"])
    event.save()
    timeline.record(
        case=case,
        kind="event_added" if created else "event_changed",
        actor=by,
        data={"stage": event.stage},
    )
    audit_record(action=AuditAction.CHANGED, actor=by, target=case, detail={"event": event.pk})
    return event


@transaction.atomic
def suggestions_apply(*, case: Case, by: User, means: list[str], exploitation: list[str]) -> Case:
    """Add the means of control and types of exploitation the caseworker confirmed from an
    interview's suggestions to the case (through ``cases.services.case_update``)."""
    access.require(by, case, access.CHANGE)
    current = Case.objects.get(pk=case.pk)
    merged = sorted(set(current.means_of_control or []) | set(means))
    types = sorted(set(current.exploitation_types) | set(exploitation))
    return case_services.case_update(
        case=current,
        by=by,
        version=current.version,
        changes={"means_of_control": merged},
        exploitation_types=types,
    )


__all__ = [
    "AnswerInput",
    "IndicatorSet",
    "event_save",
    "identification_decide",
    "interview_save",
    "suggestions_apply",
]
