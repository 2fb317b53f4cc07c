from django import template
from django.utils.html import format_html

from ..services import FIELD, token_for

register = template.Library()


@register.simple_tag(takes_context=True)
def submission_token(context) -> str:
    """The hidden one-time token of a write form (submissions.services)."""
    return format_html(
        '<input type="hidden" name="{}" value="{}">', FIELD, token_for(context["request"])
    )
