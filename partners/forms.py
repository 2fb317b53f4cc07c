from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from textutils.zawgyi import ZawgyiCheckMixin

from .models import User
from .roles import Role


class LoginForm(AuthenticationForm):
    """Django's login form with the username's length enforced, not only hinted: a longer
    username cannot exist, and django-axes (which records failed usernames in 255
    characters) must never be handed one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        limit = field.max_length or 150
        field.validators.append(MaxLengthValidator(limit))
        field.error_messages["max_length"] = _("A username has at most %(max)d characters.") % {
            "max": limit
        }


class CodeForm(forms.Form):
    otp_token = forms.CharField(
        label=_("Authentication code"),
        max_length=20,
        help_text=_("The 6-digit code from your authenticator app, or one of your backup codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "autofocus": True}
        ),
    )


class EnrolForm(forms.Form):
    otp_token = forms.CharField(
        label=_("Code from your app"),
        max_length=10,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autocapitalize": "none",
            }
        ),
    )


class InviteForm(ZawgyiCheckMixin, forms.ModelForm):
    """Who to invite. Organisation, staff and superuser flags are not fields: the service
    sets them (the inviting admin's organisation; never staff)."""

    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"), choices=settings.LANGUAGES, initial="en"
    )

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "role", "preferred_language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["email"].help_text = _("The link to set a password goes here.")


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
