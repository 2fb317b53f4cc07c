from django import forms
from django.utils.translation import gettext_lazy as _

from cases.vocab import Urgency
from config.formtools import max_length_of
from partners.models import Organization
from textutils.zawgyi import ZawgyiCheckMixin

from .models import Referral, ReferralService


class ReferralForm(ZawgyiCheckMixin, forms.Form):
    to_organization = forms.ModelChoiceField(
        label=_("Refer to organisation"), queryset=Organization.objects.none()
    )
    service = forms.ChoiceField(label=_("Service"), choices=ReferralService.choices)
    urgency = forms.ChoiceField(
        label=_("Urgency"),
        choices=Urgency.choices,
        help_text=_("Sets the respond-by deadline: immediate 4 h, urgent 24 h, routine 72 h."),
    )
    message = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=max_length_of(Referral, "message"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "The partner reads this before accepting. Do not write the person's name, "
            "phone number or location."
        ),
    )
    override_reason = forms.CharField(
        label=_("Reason for referring without consent"),
        required=False,
        max_length=max_length_of(Referral, "consent_override_reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Coordinators only. Recorded in the audit log and on the case timeline."),
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["to_organization"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organization.objects.filter(is_active=True).exclude(pk=organization.pk)


class DeclineForm(ZawgyiCheckMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for declining"),
        max_length=max_length_of(Referral, "decline_reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
