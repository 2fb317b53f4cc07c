"""The translation catalogues are complete and current.

Complete: no untranslated or fuzzy entry, every placeholder and tag kept (po_check).
Current: running makemessages on today's sources adds no message the catalogues lack, so a
new string without a translation fails the suite (the .mo files are built by `make`)."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from tests.i18n.po_check import check_po

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ["km", "th", "vi", "lo", "my", "zh_Hans"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogue_is_complete(lang):
    path = ROOT / "locale" / lang / "LC_MESSAGES" / "django.po"
    assert path.exists(), f"missing catalogue for {lang}"
    problems = check_po(str(path))
    assert not problems, f"{lang}: {len(problems)} problems, e.g. " + "; ".join(problems[:10])


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_catalogues_are_current(tmp_path):
    """makemessages into a copy of the tree's catalogues: nothing new may appear."""
    copy = tmp_path / "locale"
    shutil.copytree(ROOT / "locale", copy)
    for po in copy.glob("*/LC_MESSAGES/*.mo"):
        po.unlink()
    env_settings = (
        "from config.settings.test import *\n"
        f"LOCALE_PATHS = [{str(copy)!r}]\n"
    )
    settings_file = tmp_path / "catalogue_settings.py"
    settings_file.write_text(env_settings)
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--no-obsolete", "--add-location=file",
         "--ignore", ".venv/*", "--ignore", "bench/*", "--ignore", "tests/*",
         *[arg for lang in LANGUAGES for arg in ("-l", lang)]],
        cwd=ROOT, capture_output=True, text=True, check=False,
        env={**__import__("os").environ, "PYTHONPATH": f"{tmp_path}:{ROOT}",
             "DJANGO_SETTINGS_MODULE": "catalogue_settings"},
    )
    assert result.returncode == 0, result.stderr
    for lang in LANGUAGES:
        committed = {e.msgid for e in polib.pofile(str(ROOT / "locale" / lang / "LC_MESSAGES"
                                                       / "django.po")) if not e.obsolete}
        fresh = {e.msgid for e in polib.pofile(str(copy / lang / "LC_MESSAGES" / "django.po"))
                 if not e.obsolete}
        missing = sorted(fresh - committed)
        assert not missing, f"{lang}: run `make makemessages` and translate: {missing[:10]}"
