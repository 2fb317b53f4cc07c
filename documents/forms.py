"""The upload and replace forms. Files are checked by documents.validation (as the API's
are); the kinds offered and the steps are those the user may use (documents.access)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cases import access
from cases.models import Case
from config.dates import PAST_EVENT
from config.formtools import max_length_of
from textutils.zawgyi import ZawgyiCheckMixin

from . import access as doc_access
from .models import IDENTITY_KINDS, Attachment, AttachmentKind
from .validation import no_file, validate_upload, validate_uploads

ACCEPT = "image/*,application/pdf"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; each is checked by documents.validation."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT, "multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data or []) if f] if isinstance(data, list | tuple) else [data]
        files = [f for f in files if f]
        return validate_uploads(files)


def kind_choices(user, case: Case) -> list[tuple[str, Any]]:
    identity = access.user_can(user, case, access.VIEW_IDENTITY)
    return [
        (v, label) for v, label in AttachmentKind.choices if identity or v not in IDENTITY_KINDS
    ]


class _Details(ZawgyiCheckMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of document"),
        help_text=_(
            "Identity papers, photos of the person, signed consents and medical reports are "
            "shown only to people who may see the person's identity: choose one of them for "
            "any document that names the person."
        ),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=max_length_of(Attachment, "description"),
        required=False,
        help_text=_("What it shows. Seen only by people who may see the person's identity."),
    )
    document_date = forms.DateField(
        label=_("Date of the document"),
        required=False,
        validators=[PAST_EVENT],
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class UploadForm(_Details):
    # The form's metaclass takes declared fields off the class: ``self.files`` stays the
    # uploaded files' dict at run time; the name on the wire is "files" (as in the API).
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("Files"),
        help_text=_("PDF, JPEG, PNG or WebP; several at once. Photos lose their location data."),
    )
    repatriation_step: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Repatriation step"), queryset=None, required=False
    )

    def __init__(self, *args, case: Case, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.case, self.user = case, user
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = kind_choices(user, case)
        from repatriation.models import RepatriationStep

        steps = RepatriationStep.objects.filter(plan__case=case).order_by("order")
        field = self.fields["repatriation_step"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = steps
        self.step_required = not access.user_can(user, case, access.CHANGE)
        if self.step_required:
            field.required = True
            field.help_text = _("You may attach files to a step of the repatriation.")
        elif not steps.exists():
            del self.fields["repatriation_step"]

    def clean(self):
        data = super().clean()
        step = data.get("repatriation_step")
        if not doc_access.may_upload(self.user, self.case, step=step):
            self.add_error("repatriation_step", _("Choose the step these files belong to."))
        return data


class SingleFileField(forms.FileField):
    def clean(self, data, initial=None):
        if not data:
            raise no_file()
        return validate_upload(data)


class ReplaceForm(forms.Form):
    file = SingleFileField(
        label=_("New file"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        help_text=_("The old file is deleted; the kind, date and description stay."),
    )
