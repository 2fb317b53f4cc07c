"""Checks a translation catalogue: every entry translated, none fuzzy, and every
placeholder and HTML tag of the English kept in the translation.

    python tests/i18n/po_check.py locale/km/LC_MESSAGES/django.po
"""

from __future__ import annotations

import re
import sys
from collections import Counter

import polib

PLACEHOLDER = re.compile(r"%\([^)]+\)[sdif]|%[sdif]|\{[a-z_]+\}")
TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def _tokens(pattern: re.Pattern, text: str) -> Counter:
    return Counter(pattern.findall(text))


def check_entry(entry: polib.POEntry) -> list[str]:
    problems = []
    if "fuzzy" in entry.flags:
        problems.append("fuzzy")
    pairs = []
    if entry.msgid_plural:
        if not entry.msgstr_plural or not all(entry.msgstr_plural.values()):
            problems.append("untranslated (plural)")
        for text in entry.msgstr_plural.values():
            pairs.append((entry.msgid_plural, text))
    else:
        if not entry.msgstr:
            problems.append("untranslated")
        pairs.append((entry.msgid, entry.msgstr))
    for source, text in pairs:
        if not text:
            continue
        for name, pattern in (("placeholders", PLACEHOLDER), ("HTML tags", TAG)):
            want, got = _tokens(pattern, source), _tokens(pattern, text)
            if entry.msgid_plural and name == "placeholders":
                # One form serves both: it may drop the count placeholder only if absent in
                # the singular too.
                want = _tokens(pattern, source) | _tokens(pattern, entry.msgid)
                if set(got) - set(want) or (set(want) - set(got)) - {"%(counter)s", "%d"}:
                    problems.append(f"{name} differ: {sorted(want)} vs {sorted(got)}")
                continue
            if set(want) != set(got):
                problems.append(f"{name} differ: {sorted(want)} vs {sorted(got)}")
    return problems


def check_po(path: str) -> list[str]:
    po = polib.pofile(path)
    out = []
    if po.metadata_is_fuzzy:
        out.append("header is fuzzy")
    for entry in po:
        if entry.obsolete:
            continue
        for problem in check_entry(entry):
            out.append(f"{problem}: {entry.msgid[:70]!r}")
    return out


if __name__ == "__main__":
    status = 0
    for path in sys.argv[1:]:
        problems = check_po(path)
        print(f"{path}: {len(problems)} problem(s)")
        for p in problems[:50]:
            print("  " + p)
        status |= bool(problems)
    sys.exit(status)
