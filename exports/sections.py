"""Extra sections of the PDF case summary, contributed by other apps (referrals,
repatriation).

An app registers a section in its AppConfig.ready():

    sections.register("referrals", "referrals/pdf/section.html", referral_section, order=20)

``referral_section(case, exporter, anonymised)`` returns the section's context (a dict) or
None to leave it out. It is called only for a case the exporter may export (the task has
checked ``cases.access``), and must itself respect ``access.perms_for(exporter, case)`` and
``anonymised`` (no name, phone, exact location, document number or free text when True).
The summary includes each template with ``section`` set to that dict, after the case facts
and before the timeline, in ``order``. A section registered with ``wants_purpose=True`` is
called with the export's purpose as a fourth argument (an ``ExportPurpose`` value, "" when
rendered outside an export), e.g. to print more for the embassy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cases.models import Case

SectionContext = Callable[..., dict[str, Any] | None]


@dataclass(frozen=True)
class Section:
    name: str
    template: str
    context: SectionContext
    order: int
    wants_purpose: bool = False


@dataclass(frozen=True)
class RenderedSection:
    name: str
    template: str
    context: dict[str, Any]


_SECTIONS: dict[str, Section] = {}


def register(
    name: str,
    template: str,
    context: SectionContext,
    *,
    order: int = 50,
    wants_purpose: bool = False,
) -> None:
    _SECTIONS[name] = Section(
        name=name, template=template, context=context, order=order, wants_purpose=wants_purpose
    )


def unregister(name: str) -> None:
    _SECTIONS.pop(name, None)


def sections_for(
    case: Case, exporter: Any, anonymised: bool, purpose: str = ""
) -> list[RenderedSection]:
    rendered = []
    for section in sorted(_SECTIONS.values(), key=lambda s: (s.order, s.name)):
        if section.wants_purpose:
            ctx = section.context(case, exporter, anonymised, purpose)
        else:
            ctx = section.context(case, exporter, anonymised)
        if ctx is not None:
            rendered.append(RenderedSection(section.name, section.template, ctx))
    return rendered
