"""The sane range of every date and datetime Homeward accepts, declared once.

Each kind of date has one validator here. Model fields carry it (``validators=[...]``), so
ModelForms, ``Model.full_clean()`` in the services and DRF ModelSerializers all apply it;
plain form and serializer fields use the same objects (``forms.DateField(validators=
[FUTURE_PLAN])``, ``serializers.DateField(validators=[PAST_EVENT])``).

- ``PAST_EVENT``: something that happened (a call received, a consent given, a status
  decided): from 1900-01-01 to now plus one day (clocks and time zones differ).
- ``BIRTH_DATE``: from 1900-01-01 to today.
- ``FUTURE_PLAN``: a deadline or a target (a due date, a return date, respond by): from
  2000-01-01 to ten years ahead.

Dates outside these ranges broke pages: year 1 at UTC+7 is year 0 in UTC, which PostgreSQL
stores and Python cannot read back.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

FLOOR = dt.date(1900, 1, 1)


class DateRange:
    """A validator for a date or an aware datetime: ``earliest`` (a date) to now plus
    ``ahead`` (a timedelta). ``message`` is shown next to the field; it may use
    ``%(earliest)s`` and ``%(latest)s``. Each kind of date is a subclass without arguments,
    so that migrations name the kind, not its message."""

    code = "date_out_of_range"
    earliest: dt.date = FLOOR
    ahead: dt.timedelta = dt.timedelta(days=1)
    message: Any = ""

    def bounds(self) -> tuple[dt.date, dt.date]:
        # The wall-clock date where Homeward runs (TIME_ZONE), as ``contains`` compares: the
        # UTC date lags it by a day for seven hours each night at UTC+7.
        latest = timezone.localdate(timezone.now() + self.ahead)
        return self.earliest, latest

    def contains(self, value: dt.date | dt.datetime) -> bool:
        earliest, latest = self.bounds()
        if isinstance(value, dt.datetime):
            # Compare wall-clock dates: no arithmetic on the value, which may be year 1.
            day = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
        else:
            day = value
        return earliest <= day <= latest

    def __call__(self, value: dt.date | dt.datetime | None) -> None:
        if value is None:
            return
        try:
            ok = self.contains(value)
        except (OverflowError, ValueError):  # year 1 or 9999 at the edge of a time zone
            ok = False
        if not ok:
            earliest, latest = self.bounds()
            raise ValidationError(
                self.message,
                code=self.code,
                params={
                    "earliest": date_format(earliest, "Y-m-d"),
                    "latest": date_format(latest, "Y-m-d"),
                },
            )

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __hash__(self) -> int:
        return hash(type(self))


@deconstructible(path="config.dates.PastEvent")
class PastEvent(DateRange):
    """Something that happened: a call received, a consent given, a status decided."""

    message = _("Enter a date between %(earliest)s and %(latest)s: it cannot be in the future.")


@deconstructible(path="config.dates.BirthDate")
class BirthDate(DateRange):
    ahead = dt.timedelta(0)
    message = _("Enter a date of birth between %(earliest)s and today.")


@deconstructible(path="config.dates.FuturePlan")
class FuturePlan(DateRange):
    """A deadline or a target: a due date, a return date."""

    earliest = dt.date(2000, 1, 1)
    ahead = dt.timedelta(days=3653)
    message = _("Enter a date between %(earliest)s and %(latest)s.")


PAST_EVENT = PastEvent()
BIRTH_DATE = BirthDate()
FUTURE_PLAN = FuturePlan()


def in_range(value: dt.date | dt.datetime | None, validator: DateRange) -> bool:
    """True if ``value`` is empty or within ``validator``'s range (for code that must decide
    without raising, such as a page showing an old record)."""
    try:
        validator(value)
    except ValidationError:
        return False
    return True


def validate_fields(instance: Any, names: list[str]) -> None:
    """Run the validators of ``names`` on a model instance, for services that write a
    few fields without ``full_clean()``. Raises ValidationError keyed by field."""
    errors: dict[str, list] = {}
    for name in names:
        field = instance._meta.get_field(name)
        try:
            field.run_validators(getattr(instance, field.attname))
        except ValidationError as exc:
            errors[name] = exc.error_list
    if errors:
        raise ValidationError(errors)
