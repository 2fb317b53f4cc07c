"""What the PDF prints: every Mekong script shaped with its Noto font, the page furniture,
and nothing the exporter may not see."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import timezone
from pypdf import PdfReader

from cases.models import Consent
from cases.services import case_note_add
from cases.vocab import ConsentMethod, ConsentPurpose, ExploitationType
from exports import pdf, sections
from exports.models import Export, ExportPurpose
from exports.services import export_render
from tests.factories import PersonFactory, UserFactory, make_case

from .conftest import NAMES, pdf_text, pdffonts, pdftotext

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def _export(case, user, purpose=ExportPurpose.COURT):
    return Export.objects.create(
        requested_by=user,
        organization=user.organization,
        case=case,
        purpose=purpose,
        queued_at=timezone.now(),
    )


def _render(case, user, purpose=ExportPurpose.COURT):
    return export_render(_export(case, user, purpose))


@pytest.fixture
def polyglot_case(owner, coordinator):
    person = PersonFactory.build(
        given_name=NAMES["khmer"],
        family_name=NAMES["thai"],
        given_name_latin=NAMES["vietnamese"],
        family_name_latin="Pov",
        phone="+85512999888",
    )
    case = make_case(owner, by=coordinator, person=person)
    # Lao, Burmese and Chinese in free text the coordinator may see: a note.
    case_note_add(
        case=case,
        body=f"Family names used: {NAMES['lao']} / {NAMES['burmese']} / {NAMES['chinese']}",
        by=coordinator,
    )
    return case


def test_every_script_is_printed_and_embedded(polyglot_case, coordinator, tmp_path):
    rendered = _render(polyglot_case, coordinator)
    path = tmp_path / "summary.pdf"
    path.write_bytes(rendered.data)

    extracted = pdf.normalise(pdftotext(path))
    extracted_pypdf = pdf.normalise(pdf_text(rendered.data))
    for script, name in NAMES.items():
        assert pdf.normalise(name) in extracted, f"{script} name not found by pdftotext"
        # A second, independent extractor for the scripts it reads in logical order.
        if script in {"khmer", "thai", "vietnamese", "chinese"}:
            assert pdf.normalise(name) in extracted_pypdf, f"{script} name not found by pypdf"

    fonts = pdffonts(path)
    for family in (
        "Noto-Sans-Khmer",
        "Noto-Sans-Thai",
        "Noto-Sans-Lao",
        "Noto-Sans-Myanmar",
        "Noto-Sans-CJK-SC",
    ):
        line = next((ln for ln in fonts.splitlines() if f"+{family}" in ln), None)
        assert line is not None, f"{family} not embedded:\n{fonts}"
        emb, sub, uni = line.split()[-5:-2]
        assert (emb, sub, uni) == ("yes", "yes", "yes"), line  # embedded, subset, mapped
    assert rendered.font_families >= {
        "Noto Sans",
        "Noto Sans Khmer",
        "Noto Sans Thai",
        "Noto Sans Lao",
        "Noto Sans Myanmar",
        "Noto Sans CJK SC",
    }


def test_page_furniture(case, coordinator, owner, tmp_path):
    # Notes by someone else, so that the exporter's name on later pages is the watermark's.
    writer = UserFactory(username="writer", first_name="Srey", organization=owner)
    for i in range(60):  # enough to need several pages
        case_note_add(case=case, body=f"Follow-up call {i}: " + "word " * 40, by=writer)
    rendered = _render(case, coordinator)
    assert rendered.pages >= 3
    path = tmp_path / "s.pdf"
    path.write_bytes(rendered.data)
    pages = pdftotext(path).split("\f")
    watermark = "Dara Chan · Mekong Lifeline Cambodia · "
    text = pdf.normalise("".join(pages))
    assert pdf.normalise("CONFIDENTIAL — contains personal data of a victim of trafficking") in text
    assert "Mekong Lifeline Cambodia" in pages[0]
    assert case.reference in pages[0]
    for number, page in enumerate(pages[: rendered.pages], start=1):
        assert f"page {number} of {rendered.pages}" in page
    # The watermark: exporter, organisation and time, on every page (pypdf reads the rotated
    # line whole; pdftotext splits it).
    reader = PdfReader(io.BytesIO(rendered.data))
    for number, page in enumerate(reader.pages, start=1):
        assert pdf.normalise(watermark) in pdf.normalise(page.extract_text()), number
    # HTCDS 2.0 field names beside the facts.
    for term in (
        "vic_TraffickingStatus",
        "vic_TypeOfExploitation",
        "vic_ForcedLabourIndustry",
        "vic_MethodsOfControl",
    ):
        assert term.lower() in text.lower()


def test_document_language_follows_exporter(case, coordinator):
    coordinator.preferred_language = "km"
    coordinator.save()
    ctx = pdf.summary_context(case=case, exporter=coordinator, anonymised=False, purpose_label="x")
    html = pdf.render_html(ctx, pdf.language_of(coordinator))
    assert '<html lang="km">' in html


def test_long_unbroken_note_wraps(case, coordinator, tmp_path):
    case_note_add(case=case, body="X" * 3000, by=coordinator)
    path = tmp_path / "s.pdf"
    path.write_bytes(_render(case, coordinator).data)
    # Wrapped: the 3000 characters are all there, on lines no wider than the page.
    text = pdftotext(path)
    assert text.count("X") == 3000
    assert max(len(line) for line in text.splitlines()) < 200


def test_identity_printed_for_coordinator_with_identity(case, coordinator):
    text = pdf.normalise(pdf_text(_render(case, coordinator).data))
    for value in ("សុខា", "Sokha", "+85512999888", "N0123456", "Pier7,Kuantan"):
        assert pdf.normalise(value) in text


def test_pseudonymised_for_exporter_without_identity(
    partner_case, partner_coordinator, coordinator
):
    case_note_add(case=partner_case, body="Met his brother Vuthy at the pier", by=coordinator)
    text = pdf.normalise(pdf_text(_render(partner_case, partner_coordinator).data))
    assert partner_case.pseudonym in text
    for value in ("សុខា", "Sokha", "Pov", "85512999888", "N0123456", "Kuantan", "Vuthy"):
        assert pdf.normalise(value) not in text
    assert partner_case.reference in text


@pytest.mark.parametrize("who", ["coordinator", "partner_coordinator"])
def test_donor_report_prints_no_identity(request, partner_case, who, coordinator):
    exporter = request.getfixturevalue(who)
    case_note_add(case=partner_case, body="Met his brother Vuthy at the pier", by=coordinator)
    Consent.objects.create(
        case=partner_case,
        purpose=ConsentPurpose.STATISTICS,
        granted=True,
        method=ConsentMethod.VERBAL,
        note="Agreed in presence of uncle Sok",
    )
    partner_case.exploitations.create(type=ExploitationType.FORCED_LABOUR)
    text = pdf.normalise(pdf_text(_render(partner_case, exporter, ExportPurpose.DONOR_REPORT).data))
    for value in (
        "សុខា",
        "ពៅ",
        "Sokha",
        "Pov",
        "85512999888",
        "N0123456",
        "Kuantan",
        "Vuthy",
        "uncleSok",
    ):
        assert pdf.normalise(value) not in text, value
    assert pdf.normalise("Forced labour") in text  # the facts are still there
    assert pdf.normalise("Anonymised statistics") in text


def test_user_text_is_escaped(owner, coordinator):
    person = PersonFactory.build(given_name="<b>bold</b><img src=x>", family_name="&amp;")
    case = make_case(owner, by=coordinator, person=person)
    ctx = pdf.summary_context(case=case, exporter=coordinator, anonymised=False, purpose_label="x")
    html = pdf.render_html(ctx, "en")
    assert "<b>bold</b>" not in html and "<img src=x>" not in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html


def test_fetcher_serves_static_only():
    fetcher = pdf.StaticOnlyFetcher()
    css = fetcher.fetch(pdf.BASE_URL + "static/exports/pdf.css")
    assert b"@page" in css.read()
    for url in (
        "file:///etc/passwd",
        "http://example.com/x.png",
        pdf.BASE_URL + "static/../../etc/passwd",
        pdf.BASE_URL + "admin/",
        "data:text/plain,hello",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_sections_registry(case, coordinator, partner_case, partner_coordinator):
    seen = []

    def context(case, exporter, anonymised):
        seen.append((exporter.username, anonymised))
        if anonymised:
            return None
        return {"title": "Referrals", "items": ["Shelter <accepted>"]}

    sections.register("test-extra", "exports/tests/section.html", context, order=10)
    try:
        text = pdf.normalise(pdf_text(_render(case, coordinator).data))
        assert pdf.normalise("Shelter <accepted>") in text
        text = pdf.normalise(pdf_text(_render(case, coordinator, ExportPurpose.DONOR_REPORT).data))
        assert "Shelter" not in text
    finally:
        sections.unregister("test-extra")
    assert seen == [("coord", False), ("coord", True)]


MISSING_FONT_SCRIPT = """
import django
django.setup()
from exports import pdf
try:
    pdf.html_to_pdf("<html><body><p>Name: \u179f\u17bb\u1781\u17b6</p></body></html>")
except pdf.MissingFontError as exc:
    print("MISSING:", exc)
else:
    print("RENDERED")
"""


def test_missing_script_font_is_an_error(tmp_path):
    """A machine without Noto Sans Khmer: fontconfig limited to DejaVu in a child process."""
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        "<dir>/usr/share/fonts/truetype/dejavu</dir>"
        f"<cachedir>{tmp_path}/cache</cachedir></fontconfig>"
    )
    env = {
        **os.environ,
        "FONTCONFIG_FILE": str(conf),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
    }
    out = subprocess.run(
        [sys.executable, "-c", MISSING_FONT_SCRIPT],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    assert "MISSING: No font for the Khmer script" in out, out
