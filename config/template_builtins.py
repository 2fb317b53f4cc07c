"""Template filters available in every template (TEMPLATES OPTIONS "builtins")."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()

DEFAULT_OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


@register.filter
def select_options(group_choices) -> SafeString:
    """The <option> elements of a select widget's group, built in Python.

    Django renders each option through a template include; a country select has 250 of
    them, which made the case list spend most of its time in the template engine. Same
    markup, escaped the same way (format_html)."""

    def attrs(option) -> SafeString:
        return format_html_join(
            "",
            " {}{}",
            (
                (name, "" if value is True else format_html('="{}"', value))
                for name, value in option["attrs"].items()
                if value is not False
            ),
        )

    return format_html_join(
        "\n",
        '<option value="{}"{}>{}</option>',
        ((str(o["value"]), attrs(o), o["label"]) for o in group_choices),
    )
