"""Issue 16 item 17: the watermark stays out of the PDF's reading order.

pdftotext (default order) split a Burmese and a Vietnamese name in a note, because the rotated
watermark was drawn across the wrapped lines. It is now in the page's bottom margin box."""

import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from cases.services import case_note_add
from exports import pdf
from exports.models import Export, ExportPurpose
from exports.services import export_render
from exports.templatetags.pdf_css import css_string
from tests.factories import UserFactory

from .conftest import NAMES, pdftotext

pytestmark = pytest.mark.django_db


def test_names_in_a_note_extract_unbroken_and_the_watermark_is_on_every_page(
    case, coordinator, owner, tmp_path
):
    writer = UserFactory(username="writer2", first_name="Srey", organization=owner)
    note = (
        f"Spoke with {NAMES['burmese']} and {NAMES['vietnamese']} at the shelter; "
        + "they both want to go home before the rainy season. " * 6
    )
    for _ in range(25):  # several pages, each crossed by the old diagonal watermark
        case_note_add(case=case, body=note, by=writer)
    export = Export.objects.create(
        requested_by=coordinator,
        organization=coordinator.organization,
        case=case,
        purpose=ExportPurpose.COURT,
        queued_at=timezone.now(),
    )
    rendered = export_render(export)
    assert rendered.pages >= 2
    path = tmp_path / "summary.pdf"
    path.write_bytes(rendered.data)
    text = pdf.normalise(pdftotext(path))
    for key in ("burmese", "vietnamese"):
        # Every occurrence extracted whole: as many as the notes that hold it.
        assert text.count(pdf.normalise(NAMES[key])) >= 25, key
    sentence = pdf.normalise("they both want to go home before the rainy season.")
    assert text.count(sentence) >= 25 * 6 - 6  # a line break may sit inside a few
    # The watermark: exporter and organisation on every page, on its own line.
    mark = pdf.normalise(f"{coordinator.get_full_name()} · {coordinator.organization.name} · ")
    for number, page in enumerate(PdfReader(io.BytesIO(rendered.data)).pages, start=1):
        assert mark in pdf.normalise(page.extract_text()), number
    for page in pdftotext(path).split("\f")[: rendered.pages]:
        assert mark in pdf.normalise(page)


def test_css_string_escapes_everything_that_could_end_the_rule():
    escaped = css_string('Aung"}</style><script>x; ' + NAMES["burmese"])
    assert '"' not in escaped and "<" not in escaped and "}" not in escaped and ";" not in escaped
    assert escaped.startswith("Aung\\22 ")
