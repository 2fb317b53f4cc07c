"""What a user without ``view_case_identity`` sees of a person: the case's pseudonym and
non-identifying facts. Views hand templates either the real Person or a RedactedPerson, so a
template cannot print what the user may not see — not in the page, not in the HTML source."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from .models import Case, Person


@dataclass(frozen=True)
class RedactedPerson:
    pseudonym: str
    sex: str
    sex_display: str
    nationality: object
    stateless: bool
    age: int | None
    is_redacted: bool = True
    gender: str = ""
    gender_display: str = ""

    @property
    def display_name(self) -> str:
        return self.pseudonym

    def get_sex_display(self) -> str:
        return self.sex_display

    def get_gender_display(self) -> str:
        return self.gender_display


def person_for(case: Case, *, can_view_identity: bool) -> Person | RedactedPerson:
    person = case.person
    # An anonymised case has no identity left to show: everyone sees the pseudonym.
    if can_view_identity and case.anonymised_at is None:
        person.is_redacted = False  # type: ignore[attr-defined]
        return person
    return RedactedPerson(
        pseudonym=case.pseudonym,
        sex=person.sex,
        sex_display=person.get_sex_display(),
        nationality=person.nationality,
        stateless=person.stateless,
        age=person.age_on(timezone.localdate()),
        gender=person.gender,
        gender_display=person.get_gender_display() if person.gender else "",
    )
