"""The case timeline: one list of everything that happened to a case.

Any app adds an entry with ``record(case=..., kind=..., data=...)`` and registers how its
kinds read with ``register(kind, sentence)`` in its AppConfig.ready(). The case page renders
entries without knowing which app wrote them, so later features add entries without touching
the page.

Sentences are translatable format strings over ``data`` (``%(service)s``). ``data`` must never
carry a person's identity: the timeline is shown to everyone who may see the case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .models import Case, TimelineEntry

_SENTENCES: dict[str, Any] = {}
# kind -> {data key -> {code -> lazy label}}: codes stored in ``data`` are shown in the
# reader's language, whatever the language of the person who caused the entry.
_LABELS: dict[str, dict[str, dict[str, Any]]] = {}


def register(kind: str, sentence: Any, *, labels: dict[str, Any] | None = None) -> None:
    """``labels`` maps a data key to a vocabulary (a TextChoices class or a dict of code ->
    lazy label); the entry stores the code, the page shows the label. A list of codes shows
    as a comma-separated list of labels."""
    _SENTENCES[kind] = sentence
    if labels:
        _LABELS[kind] = {
            key: (dict(vocab.choices) if hasattr(vocab, "choices") else dict(vocab))
            for key, vocab in labels.items()
        }


# Entries written before codes were stored hold the English label ("Phone", "Share with
# partner organisations", "view_case, change_case"): they are read back to their code, so
# old rows are shown in the reader's language too.
_ENGLISH: dict[int, dict[str, str]] = {}


def _code_of(vocab: dict[str, Any], value: str) -> str | None:
    reverse = _ENGLISH.get(id(vocab))
    if reverse is None:
        with translation.override("en"):
            reverse = {str(label): code for code, label in vocab.items()}
        _ENGLISH[id(vocab)] = reverse
    return reverse.get(value)


YES_NO = {"yes": _("yes"), "no": _("no")}


def register_core_kinds() -> None:
    from partners.roles import PERM_LABELS

    from .vocab import CallChannel, CaseStatus, ConsentPurpose

    register("case_created", _("Case opened"))
    register(
        "call_logged", _("Distress call logged (%(channel)s)"), labels={"channel": CallChannel}
    )
    register(
        "status_changed",
        _("Status changed from %(old)s to %(new)s"),
        labels={"old": CaseStatus, "new": CaseStatus},
    )
    register("assigned", _("Assigned to %(assignee)s"))
    register("case_updated", _("Case details updated"))
    register("person_updated", _("Person's details corrected"))
    register("note_added", _("Note added"))
    register("note_edited", _("Note corrected"))
    register(
        "consent_recorded",
        _("Consent recorded: %(purpose)s (%(answer)s)"),
        labels={"purpose": ConsentPurpose, "answer": YES_NO},
    )
    register(
        "consent_withdrawn",
        _("Consent withdrawn: %(purpose)s"),
        labels={"purpose": ConsentPurpose},
    )
    register(
        "case_anonymised",
        _("Case anonymised: %(why)s"),
        labels={
            "why": {
                "retention": _("the retention period is over"),
                "erasure": _("erased on request"),
            }
        },
    )
    register(
        "access_granted",
        _("%(organization)s was given access (%(perms)s)"),
        labels={"perms": PERM_LABELS},
    )
    register(
        "access_revoked",
        _("Access of %(organization)s was removed (%(perms)s)"),
        labels={"perms": PERM_LABELS},
    )


def record(
    *,
    case: Case,
    kind: str,
    actor=None,
    organization=None,
    data: dict | None = None,
    at: datetime | None = None,
) -> TimelineEntry:
    if kind not in _SENTENCES:
        raise ValueError(f"Unregistered timeline kind {kind!r}: register it in AppConfig.ready()")
    entry = TimelineEntry(
        case=case,
        kind=kind,
        actor=actor,
        organization=organization or getattr(actor, "organization", None),
        data=data or {},
    )
    if at is not None:
        entry.at = at
    entry.save()
    return entry


@dataclass(frozen=True)
class TimelineItem:
    at: datetime
    kind: str
    text: str
    actor: str
    organization: str


def _label(vocab: dict[str, Any], value: Any) -> Any:
    if isinstance(value, list):
        return ", ".join(str(_label(vocab, v)) for v in value)
    if not isinstance(value, str):
        return value
    if value in vocab:
        return vocab[value]
    code = _code_of(vocab, value)
    if code is not None:
        return vocab[code]
    if ", " in value:  # an old row's list, joined before it was stored
        return _label(vocab, value.split(", "))
    return value


def _sentence(entry: TimelineEntry) -> str:
    sentence = _SENTENCES.get(entry.kind)
    if sentence is None:
        return entry.kind
    data = dict(entry.data)
    for key, vocab in _LABELS.get(entry.kind, {}).items():
        if key in data:
            data[key] = _label(vocab, data[key])
    try:
        return str(sentence) % data
    except (KeyError, TypeError, ValueError):
        return str(sentence).split("%(")[0].strip()


def entries_for(case: Case, limit: int = 50) -> list[TimelineItem]:
    """The latest ``limit`` entries, newest first, in one query."""
    rows = (
        TimelineEntry.objects.filter(case=case)
        .select_related("actor", "organization")
        .order_by("-at", "-id")[:limit]
    )
    return [
        TimelineItem(
            at=e.at,
            kind=e.kind,
            text=_sentence(e),
            actor=(e.actor.get_full_name() or e.actor.username) if e.actor else "",
            organization=e.organization.name if e.organization else "",
        )
        for e in rows
    ]
