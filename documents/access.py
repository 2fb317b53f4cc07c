"""Which attachments a user may see and change: the one rule, for the case page, the
download and preview views, the API and the PDF summary.

Everything goes through ``cases.access`` (the case: 404 if the user may not see it):

- an attachment of a case the user may view is visible, unless its kind identifies the
  person (``IDENTITY_KINDS``), which needs ``view_case_identity`` as well: without it such
  attachments are absent from lists and their ids answer 404, exactly like a missing one;
- uploading needs ``change_case``; a user with ``update_repatriation`` (an embassy or a
  partner working on the return) may also attach to a step of the case's repatriation plan;
- replacing or deleting: ``change_case``, or ``update_repatriation`` for an attachment of a
  repatriation step uploaded by the user's own organisation;
- deleted attachments are never visible (their row stays for the record).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from cases import access
from cases.models import Case

from .models import IDENTITY_KINDS, Attachment


def visible_kinds_filter(perms: frozenset[str]) -> dict | None:
    """The filter of kinds visible with ``perms`` (None: nothing visible)."""
    if access.VIEW not in perms:
        return None
    if access.VIEW_IDENTITY in perms:
        return {}
    return {"exclude_kinds": IDENTITY_KINDS}


def visible_attachments(user, case: Case) -> QuerySet[Attachment]:
    """The attachments of ``case`` that ``user`` may see, newest first (one query)."""
    perms = access.perms_for(user, case)
    rule = visible_kinds_filter(perms)
    if rule is None:
        return Attachment.objects.none()
    qs = Attachment.objects.filter(case=case, deleted_at__isnull=True)
    if rule:
        qs = qs.exclude(kind__in=rule["exclude_kinds"])
    return qs.select_related("uploaded_by", "organization", "repatriation_step", "case")


def may_see(user, attachment: Attachment) -> bool:
    if attachment.is_deleted:
        return False
    perms = access.perms_for(user, attachment.case)
    if access.VIEW not in perms:
        return False
    return not attachment.is_identity or access.VIEW_IDENTITY in perms


def may_upload(user, case: Case, *, step=None) -> bool:
    perms = access.perms_for(user, case)
    if access.CHANGE in perms:
        return True
    return step is not None and access.UPDATE_REPATRIATION in perms


def may_upload_anything(user, case: Case) -> bool:
    """Whether the page offers the upload form at all."""
    perms = access.perms_for(user, case)
    return access.CHANGE in perms or access.UPDATE_REPATRIATION in perms


def may_change(user, attachment: Attachment) -> bool:
    perms = access.perms_for(user, attachment.case)
    if access.CHANGE in perms:
        return True
    return (
        access.UPDATE_REPATRIATION in perms
        and attachment.repatriation_step_id is not None
        and attachment.organization_id == getattr(user, "organization_id", None)
    )


def attachment_for(user, pk, *, change: bool = False) -> Attachment:
    """The attachment ``pk`` if the user may see it, else 404 (unknown, malformed, deleted,
    of a case they may not see, or of an identity kind without view identity). With
    ``change``: 403 if they may see it but not replace or delete it."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404("No such attachment") from None
    attachment = (
        Attachment.objects.select_related("case", "uploaded_by", "organization")
        .filter(pk=pk, deleted_at__isnull=True)
        .first()
    )
    if attachment is None:
        raise Http404("No such attachment")
    # 404 for a case out of reach; the case as cases.access loaded it (its perms cached).
    attachment.case = access.case_for(user, attachment.case_id, access.VIEW)
    if not may_see(user, attachment):
        raise Http404("No such attachment")
    if change and not may_change(user, attachment):
        raise PermissionDenied
    return attachment
