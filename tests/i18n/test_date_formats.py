"""Issue 16 item 10: every displayed date is unambiguous in every language.

"12/02/2026 1:31 p.m." was 2 December; "Available until 12/09/2026 1:32 p.m.. " had a double
period. Every format name the templates use names the month in words (or is year-first), and
no format ends in a period."""

import re
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.template import engines
from django.utils import formats, translation

LANGS = [code for code, _name in settings.LANGUAGES]
NAMES = ["DATE_FORMAT", "DATETIME_FORMAT", "SHORT_DATE_FORMAT", "SHORT_DATETIME_FORMAT"]
WHEN = datetime(2026, 12, 2, 13, 31, tzinfo=ZoneInfo("Asia/Phnom_Penh"))
# Day and month both as numbers, in either order: 12/02/2026, 02-12-2026, 2.12.2026.
NUMERIC = re.compile(r"\b\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}\b")


def test_all_seven_languages_are_covered():
    assert len(LANGS) == 7


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", NAMES)
def test_the_month_is_in_words_or_year_first(lang, name):
    with translation.override(lang):
        text = formats.date_format(WHEN, name)
        month_words = {
            str(formats.date_format(WHEN, "F")),
            str(formats.date_format(WHEN, "M")),
            str(formats.date_format(WHEN, "N")),
        }
    assert not NUMERIC.search(text), (lang, name, text)
    assert "2026" in text
    year_first = text.startswith("2026")
    assert year_first or any(m in text for m in month_words) or "tháng 12" in text, (lang, text)
    assert not text.endswith("."), (lang, name, text)
    assert "p.m" not in text and "a.m" not in text


@pytest.mark.parametrize("lang", LANGS)
def test_available_until_has_no_double_period(lang):
    """The export panel's sentence, rendered the way the template renders it."""
    template = engines["django"].from_string(
        '{% load i18n %}{% blocktranslate with date=at|date:"SHORT_DATETIME_FORMAT" %}'
        "Available until {{ date }}. Every download is recorded.{% endblocktranslate %}"
    )
    with translation.override(lang):
        text = template.render({"at": WHEN})
    assert ".." not in text and not NUMERIC.search(text), text


@pytest.mark.parametrize("lang", LANGS)
def test_a_plain_date_renders_in_words(lang):
    template = engines["django"].from_string('{{ d|date:"SHORT_DATE_FORMAT" }} {{ d }}')
    with translation.override(lang):
        text = template.render({"d": date(2026, 12, 3)})
    assert not NUMERIC.search(text), (lang, text)


def test_templates_use_only_unambiguous_formats():
    """A template may name a format (SHORT_DATE_FORMAT…) or an ISO pattern; never d/m or m/d."""
    root = Path(settings.BASE_DIR) / "templates"
    bad = []
    for path in root.rglob("*.html"):
        for fmt in re.findall(r"\|date:[\"']([^\"']+)[\"']", path.read_text()):
            if fmt.endswith("_FORMAT") or fmt == "c" or fmt.startswith("Y-m-d") or fmt == "Y":
                continue
            bad.append((path.name, fmt))
    assert bad == []
