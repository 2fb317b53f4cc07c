"""The translation catalogues are complete and current, and the .mo policy holds.

- Complete: no untranslated or fuzzy entry, placeholders and tags kept (po_check.py), per
  language.
- Current: `makemessages` (the Makefile's options) run over a temporary copy of the project
  finds no msgid that the committed .po files lack. A new string in the sources makes this
  fail until the translations are added (done centrally, after merging).
- .mo files are built (`make messages` = `manage.py compile_translations`), never committed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

from tests.i18n.po_check import check_entry

ROOT = Path(settings.BASE_DIR)
LANGS = ["km", "th", "vi", "lo", "my", "zh_Hans"]
# The Makefile's makemessages target, word for word (without the -l options).
MAKEMESSAGES = [
    "makemessages",
    "--no-obsolete",
    "--add-location=file",
    "--ignore",
    ".venv/*",
    "--ignore",
    "bench/*",
    "--ignore",
    "tests/*",
]
NOT_COPIED = shutil.ignore_patterns(
    ".git", ".venv", "var", "test-results", "node_modules", "__pycache__", "*.mo", "*.pdf",
    ".mypy_cache", ".ruff_cache", ".pytest_cache", "staticfiles", "fonts",
)  # fmt: skip


def _po(lang: str, root: Path = ROOT) -> polib.POFile:
    return polib.pofile(str(root / "locale" / lang / "LC_MESSAGES" / "django.po"))


def _key(entry: polib.POEntry) -> tuple[str, str, str]:
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


@pytest.mark.parametrize("lang", LANGS)
def test_catalogue_is_complete(lang):
    problems = [
        f"{entry.msgid[:60]!r}: {', '.join(p)}"
        for entry in _po(lang)
        if not entry.obsolete and (p := check_entry(entry))
    ]
    assert not problems, f"{lang}: {len(problems)} entries need work:\n" + "\n".join(problems)


@pytest.fixture(scope="module")
def fresh_catalogues(tmp_path_factory) -> Path:
    """A copy of the project whose .po files `makemessages` has just refreshed."""
    if not shutil.which("xgettext"):
        pytest.fail("GNU gettext (xgettext) is needed to check that the catalogues are current")
    copy = tmp_path_factory.mktemp("project") / "homeward"
    shutil.copytree(ROOT, copy, ignore=NOT_COPIED)
    languages = [arg for lang in LANGS for arg in ("-l", lang)]
    subprocess.run(
        [sys.executable, "manage.py", *MAKEMESSAGES, *languages],
        cwd=copy,
        check=True,
        capture_output=True,
        timeout=300,
    )
    return copy


@pytest.mark.parametrize("lang", LANGS)
def test_catalogue_is_current(lang, fresh_catalogues):
    committed = {_key(e) for e in _po(lang) if not e.obsolete}
    missing = sorted(
        e.msgid for e in _po(lang, fresh_catalogues) if not e.obsolete and _key(e) not in committed
    )
    assert not missing, (
        f"{lang}: {len(missing)} msgids in the sources are not in locale/{lang} "
        "(run `make makemessages` and translate them):\n" + "\n".join(map(repr, missing))
    )


def test_mo_files_are_built_not_committed():
    ignored = (ROOT / ".gitignore").read_text().split()
    assert "*.mo" in ignored
    tracked = subprocess.run(
        ["git", "ls-files", "*.mo"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert tracked == []
