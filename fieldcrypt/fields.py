"""Model fields whose column holds ciphertext (see fieldcrypt.cipher).

Declare them like the plain fields they replace::

    given_name = EncryptedCharField(_("given name"), max_length=150, blank=True)
    family_contacts = EncryptedTextField(_("family contacts"), blank=True)
    phone = EncryptedPhoneNumberField(_("phone"), blank=True)

The Python value is plain (forms, templates, serializers, history diffs see text as before);
the column is ``text`` holding ``hwe:…`` (``max_length`` limits the plain text, through the
validators and forms). Values are decrypted when a row is loaded, so a page decrypts the rows
it loads and no others. A value that cannot be decrypted raises ``DecryptionError`` — never
garbage, never the stored text. The associated data is the field's name, which the change
history's copy of the field shares, so history rows hold ciphertext too.

The database cannot compare or search ciphertext: the only lookups are ``isnull`` and
``exact`` with the empty string (``filter(phone="")``); anything else raises FieldError.
Search goes through blind indexes (cases.identity_index).
"""

from __future__ import annotations

from typing import Any

from django.core import validators
from django.core.exceptions import FieldError
from django.db import models
from django.db.models.lookups import Exact
from phonenumber_field.modelfields import PhoneNumberField

from . import cipher


class _EmptyOnlyExact(Exact):
    def get_prep_lookup(self):
        if self.rhs not in ("", None):
            raise FieldError(
                f"{self.lhs.target.name} is encrypted: it can only be compared with ''. "
                "Search identity through cases.identity_index."
            )
        return self.rhs


class EncryptedMixin:
    """Encrypts on the way to the database, decrypts on the way back."""

    name: str

    def get_internal_type(self) -> str:
        return "TextField"

    def purpose(self) -> str:
        return self.name

    def encrypt_value(self, plain: Any) -> Any:
        """Plain Python value -> what the column stores."""
        prepared = super().get_prep_value(plain)  # type: ignore[misc]
        if prepared is None:
            return None
        return cipher.encrypt(str(prepared), purpose=self.purpose())

    def get_prep_value(self, value: Any) -> Any:
        return self.encrypt_value(value)

    def decrypt_value(self, stored: str | None) -> Any:
        if stored is None:
            return None
        return cipher.decrypt(stored, purpose=self.purpose())

    def from_db_value(self, value, expression, connection):
        plain = self.decrypt_value(value)
        parent = getattr(super(), "from_db_value", None)
        return parent(plain, expression, connection) if parent else plain

    def get_lookup(self, lookup_name: str):
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)  # type: ignore[misc]
        if lookup_name == "exact":
            return _EmptyOnlyExact
        return None

    def get_transform(self, lookup_name: str):
        return None


class EncryptedCharField(EncryptedMixin, models.CharField):
    pass


class EncryptedTextField(EncryptedMixin, models.TextField):
    """A TextField's ``max_length`` only reaches its form field; here it is also a model
    validator (as on CharField), so ``full_clean()`` and ``validate_fields()`` refuse an
    over-long plain text on every path, whatever the form or serializer."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            self.validators.append(validators.MaxLengthValidator(self.max_length))


class EncryptedPhoneNumberField(EncryptedMixin, PhoneNumberField):
    """The phone in E.164 (as PhoneNumberField stores it), encrypted."""


def encrypted_fields(model: type[models.Model]) -> list[EncryptedMixin]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedMixin)]
