"""Rendering a case summary: context → Django template (autoescaped) → HTML → WeasyPrint.

Everything printed goes through ``summary_context``, which decides what the exporter may see
with ``cases.access`` and ``cases.redaction`` exactly as the case page does; the template only
prints what it is given.
"""

from __future__ import annotations

import base64
import mimetypes
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from cases import access, consent, disclosure, timeline
from cases.models import Case, CaseNote
from cases.redaction import person_for
from cases.vocab import ConsentPurpose, MeansOfControl, SexExploitationType

from . import sections

# The document's own origin. Only URLs under its static prefix are ever fetched.
BASE_URL = "https://homeward.invalid/"
TIMELINE_LIMIT = 200


class RenderError(Exception):
    """The summary could not be rendered; the message is shown to the requester."""


class MissingFontError(RenderError):
    pass


# Images a section decoded in memory (attachments: documents/pdf.py) may be given inline.
DATA_IMAGE = re.compile(r"^data:(image/(?:jpeg|png|webp));base64,([A-Za-z0-9+/=]+)$")


class StaticOnlyFetcher(URLFetcher):
    """Serves our own static files (the PDF stylesheet) and base64 ``data:`` images, and
    refuses every other URL: no network, no file:// reads, whatever a template or a
    user-typed string might contain."""

    def fetch(self, url, headers=None):
        image = DATA_IMAGE.match(url)
        if image:
            body = base64.b64decode(image.group(2), validate=True)
            return URLFetcherResponse("data:", body, {"Content-Type": image.group(1)})
        prefix = BASE_URL.rstrip("/") + settings.STATIC_URL
        if not url.startswith(prefix):
            raise ValueError(f"Refused to fetch {url!r}: only our static files are allowed")
        relative = url[len(prefix) :].split("?")[0].split("#")[0]
        if not relative or ".." in relative.split("/"):
            raise ValueError(f"Refused to fetch {url!r}")
        # A hashed name ({% static %} after collectstatic) is in STATIC_ROOT; a plain one
        # (before it) in the source folders.
        found: str | list | None = None
        if settings.STATIC_ROOT and staticfiles_storage.exists(relative):
            found = staticfiles_storage.path(relative)
        else:
            found = finders.find(relative)
        if not found or isinstance(found, list):
            raise ValueError(f"No static file {relative!r}")
        with open(found, "rb") as fh:
            body = fh.read()
        content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body, {"Content-Type": content_type})


# Scripts the summary must render with a real font (not fallback boxes): the Unicode blocks
# and the Noto family that covers each. Vietnamese is Latin and covered by Noto Sans.
SCRIPTS: dict[str, tuple[tuple[tuple[int, int], ...], str]] = {
    "Khmer": (((0x1780, 0x17FF), (0x19E0, 0x19FF)), "Noto Sans Khmer"),
    "Thai": (((0x0E00, 0x0E7F),), "Noto Sans Thai"),
    "Lao": (((0x0E80, 0x0EFF),), "Noto Sans Lao"),
    "Myanmar": (((0x1000, 0x109F), (0xA9E0, 0xA9FF), (0xAA60, 0xAA7F)), "Noto Sans Myanmar"),
    "Chinese": (((0x4E00, 0x9FFF), (0x3400, 0x4DBF)), "Noto Sans CJK"),
}


def scripts_in(text: str) -> set[str]:
    found = set()
    for ch in set(text):
        cp = ord(ch)
        for script, (ranges, _font) in SCRIPTS.items():
            if any(lo <= cp <= hi for lo, hi in ranges):
                found.add(script)
    return found


@dataclass
class RenderedPdf:
    data: bytes
    pages: int
    font_families: set[str]


def html_to_pdf(html: str) -> RenderedPdf:
    """WeasyPrint alone. Raises MissingFontError when a script present in the text was not
    drawn with its Noto font (it would print as boxes or in an unvetted fallback)."""
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).render()
    data = document.write_pdf()
    # Document.fonts is filled while drawing, i.e. by write_pdf().
    families = {str(font.family) for font in document.fonts.values()}
    text = "".join(_visible_text(html))
    for script in sorted(scripts_in(text)):
        wanted = SCRIPTS[script][1]
        if not any(f.startswith(wanted) for f in families):
            raise MissingFontError(
                _("No font for the %(script)s script is installed (%(font)s).")
                % {"script": script, "font": wanted}
            )
    return RenderedPdf(data=data, pages=len(document.pages), font_families=families)


def _visible_text(html: str):
    # Good enough for script detection: every character outside tags.
    inside = False
    for ch in html:
        if ch == "<":
            inside = True
        elif ch == ">":
            inside = False
        elif not inside:
            yield ch


def _country(value: Any) -> str:
    # django-countries gives a Country object (typed as str by the stubs).
    return str(getattr(value, "name", "") or "—")


def _person_name_rows(person, identity: bool) -> list[tuple[str, str]]:
    if not identity:
        return [(_("Pseudonym"), person.display_name)]
    rows = []
    if person.native_name:
        rows.append((_("Name (native script)"), person.native_name))
    if person.latin_name:
        rows.append((_("Name (Latin letters)"), person.latin_name))
    return rows


def summary_context(
    *,
    case: Case,
    exporter,
    anonymised: bool,
    purpose_label: str,
    at: datetime | None = None,
    purpose: str = "",
) -> dict[str, Any]:
    """Everything the summary prints. Precondition: ``exporter`` may export ``case``
    (``access.case_for(exporter, case.pk, EXPORT)`` has succeeded)."""
    # What of each record may be printed: cases.disclosure, as on the pages and in the API.
    shown = disclosure.for_perms(access.perms_for(exporter, case), anonymised=anonymised)
    identity = shown.identity
    person = person_for(case, can_view_identity=identity)
    at = at or timezone.now()
    means = dict(MeansOfControl.choices)
    sex_types = dict(SexExploitationType.choices)
    facts = [
        (_("Status"), case.get_status_display(), ""),
        (_("Urgency"), case.get_urgency_display(), ""),
        (_("Trafficking status"), case.get_trafficking_status_display(), "vic_TraffickingStatus"),
        (
            _("Types of exploitation"),
            ", ".join(str(e.get_type_display()) for e in case.exploitations.all()) or "—",
            "vic_TypeOfExploitation",
        ),
        (
            _("Means of control"),
            ", ".join(str(means.get(m, m)) for m in case.means_of_control) or "—",
            "vic_MethodsOfControl",
        ),
        (
            _("Types of sexual exploitation"),
            ", ".join(str(sex_types.get(m, m)) for m in case.sex_exploitation_types) or "—",
            "vic_TypeOfSexExploitation",
        ),
        (_("Industry"), case.get_industry_display() or "—", "vic_ForcedLabourIndustry"),
        (
            _("Exploitation started on"),
            date_format(case.exploitation_started_on) if case.exploitation_started_on else "—",
            "hte_Date",
        ),
        (
            _("Exploitation ended on"),
            date_format(case.exploitation_ended_on) if case.exploitation_ended_on else "—",
            "",
        ),
        (
            _("Recruiter relation"),
            case.get_recruiter_relation_display() or "—",
            "vic_RelationshipToTrafficker",
        ),
        (_("Country of origin"), _country(case.country_of_origin), "citizenship"),
        (
            _("Country of exploitation"),
            _country(case.country_of_exploitation),
            "CountryOfExploitation",
        ),
        (_("Current country"), _country(case.current_country), ""),
        (_("Owner organisation"), case.owner_organization.name, ""),
    ]
    if shown.shows(disclosure.CASE, "current_place") and case.current_place:
        facts.append((_("Current exact location"), case.current_place, ""))
    decider = case.trafficking_status_decided_by_org
    if decider is not None:
        facts.append(
            (
                _("Identification decided by"),
                decider.name,
                "vic_TraffickingStatusDecisionMakingOrg",
            )
        )
    elif not anonymised and case.trafficking_status_decided_by:
        facts.append((_("Identification decided by"), case.trafficking_status_decided_by, ""))

    purposes = dict(ConsentPurpose.choices)
    consents = [
        {
            "purpose": purposes.get(c.purpose, c.purpose),
            "answer": _("withdrawn")
            if c.withdrawn_at
            else (_("agreed") if c.granted else _("refused")),
            "method": c.get_method_display(),
            "given_at": c.given_at,
            "note": c.note if shown.shows(disclosure.CONSENT, "note") else "",
        }
        for c in sorted(consent.current_consents(case).values(), key=lambda c: c.purpose)
    ]
    # Free text may name the person or a place: printed only with identity, never anonymised.
    notes = (
        list(CaseNote.objects.filter(case=case).select_related("author", "organization"))
        if shown.shows(disclosure.NOTE, "body")
        else None
    )
    return {
        "case": case,
        "person": person,
        "identity": identity,
        "anonymised": anonymised,
        "name_rows": _person_name_rows(person, identity),
        "phone": str(case.person.phone)
        if shown.shows(disclosure.PERSON, "phone") and case.person.phone
        else "",
        "document_number": case.person.document_number
        if shown.shows(disclosure.PERSON, "document_number")
        else "",
        "date_of_birth": case.person.date_of_birth
        if shown.shows(disclosure.PERSON, "date_of_birth")
        else None,
        "age": case.person.age_on(timezone.localdate()),
        "facts": facts,
        "timeline": timeline.entries_for(case, limit=TIMELINE_LIMIT),
        "consents": consents,
        "notes": notes,
        "sections": sections.sections_for(case, exporter, anonymised, purpose),
        "exporter_name": exporter.get_full_name() or exporter.username,
        "exporter_org": exporter.organization.name if exporter.organization_id else "",
        "generated_at": at,
        "purpose_label": purpose_label,
    }


def language_of(user) -> str:
    return getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE


def render_html(context: dict[str, Any], language: str) -> str:
    with translation.override(language):
        return render_to_string(
            "exports/summary.html", {**context, "LANGUAGE_CODE": translation.get_language()}
        )


def normalise(text: str) -> str:
    """For comparing extracted PDF text: NFC, no whitespace."""
    return "".join(unicodedata.normalize("NFC", text).split())
