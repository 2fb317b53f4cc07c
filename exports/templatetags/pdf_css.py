"""CSS for the PDF that carries user data (the watermark in a page margin box)."""

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def css_string(value: object) -> SafeString:
    """``value`` as the inside of a CSS double-quoted string: every character other than an
    ASCII letter, digit or space becomes a hex escape, so no name can end the string, the
    rule or the <style> element, in any script."""
    out = []
    for ch in str(value):
        if (ch.isascii() and ch.isalnum()) or ch == " ":
            out.append(ch)
        else:
            out.append(f"\\{ord(ch):x} ")
    return mark_safe("".join(out))  # noqa: S308 -- every other character is escaped above
