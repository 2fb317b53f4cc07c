"""Finds user-facing text in templates that is not inside Django's translation machinery.

Comments and {% blocktranslate %} blocks are removed and every other {% %} and {{ }} is
replaced by a letter-free placeholder; the rest is parsed as HTML. Every text node and every
user-facing attribute (title, alt, placeholder, aria-label, aria-description, data-confirm,
the value of submit inputs) that contains a letter is reported. Text in <script>/<style>, in
elements marked translate="no", and technical attributes (class, id, href, ...) are not
language."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

USER_ATTRS = {"title", "alt", "placeholder", "aria-label", "aria-description", "data-confirm"}
LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
# Text that is not language: symbols, numbers, and a few universal marks.
ALLOWED = {"Homeward", "PDF", "CSV", "XLSX", "SVG", "API", "ID", "TOTP", "QR", "OK", "×", "·"}


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.text!r}"


class _TextCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self._skip = 0
        self._skip_tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs_d = dict(attrs)
        # <script>, <style> and elements marked translate="no" (HTML's own marker for
        # codes and standard terms, e.g. HTCDS field names) are not language.
        if tag in ("script", "style") or attrs_d.get("translate") == "no":
            self._skip += 1
            self._skip_tags.append(tag)
        for name, value in attrs:
            if not value:
                continue
            is_user = name in USER_ATTRS or (
                # An <input type=submit> shows its value; a <button>'s value is data.
                name == "value" and tag == "input" and attrs_d.get("type") in ("submit", "button")
            )
            if is_user:
                self.found.append((self.getpos()[0], value))

    def handle_endtag(self, tag):
        if self._skip_tags and tag == self._skip_tags[-1]:
            self._skip_tags.pop()
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.found.append((self.getpos()[0], data))


def _is_language(text: str) -> bool:
    words = [w for w in re.split(r"\s+", text.strip()) if w]
    return any(LETTER.search(w) and w.strip(".,:;()[]") not in ALLOWED for w in words)


_BLOCK_TRANSLATE = re.compile(
    r"{%\s*blocktrans(?:late)?\b.*?%}.*?{%\s*endblocktrans(?:late)?\s*%}", re.DOTALL
)
_COMMENT = re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|{#.*?#}", re.DOTALL)
_TAG = re.compile(r"{%.*?%}|{{.*?}}", re.DOTALL)


def _neutralise(match: re.Match) -> str:
    # Keep line numbers: a template construct becomes a letter-free placeholder.
    return "0" + "\n" * match.group(0).count("\n")


def check_template(path: Path, root: Path) -> list[Finding]:
    source = path.read_text(encoding="utf-8")
    for pattern in (_COMMENT, _BLOCK_TRANSLATE, _TAG):
        source = pattern.sub(_neutralise, source)
    collector = _TextCollector()
    collector.feed(source)
    collector.close()
    return [
        Finding(str(path.relative_to(root)), line, " ".join(text.split()))
        for line, text in collector.found
        if _is_language(text)
    ]


def template_dirs(root: Path) -> list[Path]:
    dirs = [root / "templates"]
    dirs += [p for p in root.glob("*/templates") if ".venv" not in p.parts]
    return [d for d in dirs if d.is_dir()]


def check_all(root: Path) -> list[Finding]:
    findings: list[Finding] = []
    for directory in template_dirs(root):
        for path in sorted(directory.rglob("*.html")):
            findings.extend(check_template(path, root))
    return findings
