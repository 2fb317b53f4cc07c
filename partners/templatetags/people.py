"""``{{ some_user|user_label }}``: a staff member's name for display, "—" when there is no
user (deleted, or a system action). Registered as a template builtin (settings)."""

from django import template

register = template.Library()


@register.filter
def user_label(user) -> str:
    if user is None:
        return "—"
    return user.get_full_name() or user.username
