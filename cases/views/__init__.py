"""HTTP only: parse, check access through cases.access, call a service or selector, render.

htmx endpoints answer with a fragment when called by htmx (HX-Request) and redirect to the
case page otherwise, so every form also works without JavaScript."""

from .detail import case_detail, case_edit, case_timeline, person_edit
from .history import case_history
from .intake import intake, offline_intake
from .listing import case_list, home
from .retention import case_anonymise
from .sections import consent_add, consent_withdraw, note_add, note_edit

__all__ = [
    "case_anonymise",
    "case_detail",
    "case_edit",
    "case_history",
    "case_list",
    "case_timeline",
    "consent_add",
    "consent_withdraw",
    "home",
    "intake",
    "note_add",
    "note_edit",
    "offline_intake",
    "person_edit",
]
