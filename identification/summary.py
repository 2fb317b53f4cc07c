"""What the answers of an interview point to, never a decision (pure functions)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .indicators import (
    ACTS,
    MEANS,
    PURPOSES,
    SUGGESTS_EXPLOITATION,
    SUGGESTS_MEANS,
    Answer,
    IloIndicator,
)


@dataclass(frozen=True)
class Summary:
    ilo_yes: int
    ilo_total: int
    ilo_answered: int
    act: bool
    means: bool
    purpose: bool
    means_required: bool
    amp_answered: int
    means_of_control: list[str] = field(default_factory=list)
    exploitation_types: list[str] = field(default_factory=list)

    @property
    def elements_present(self) -> bool:
        """Act and purpose, and the means unless the person is a child."""
        return self.act and self.purpose and (self.means or not self.means_required)

    def ilo_text(self) -> str:
        return _("Forced-labour indicators: %(yes)d of %(total)d") % {
            "yes": self.ilo_yes,
            "total": self.ilo_total,
        }

    def amp_text(self) -> str:
        if self.elements_present and self.means:
            return _("Act, means and purpose present")
        if self.elements_present:
            return _("Act and purpose present; the means need not be shown (a child)")
        missing = [
            name
            for name, present, needed in (
                (pgettext("trafficking element", "act"), self.act, True),
                (pgettext("trafficking element", "means"), self.means, self.means_required),
                (pgettext("trafficking element", "purpose"), self.purpose, True),
            )
            if needed and not present
        ]
        return _("Not shown: %(missing)s") % {"missing": ", ".join(missing)}


def summarise(
    ilo: Mapping[str, str], amp: Mapping[str, str], *, means_required: bool = True
) -> Summary:
    """``ilo`` and ``amp`` map question codes to answers (``Answer`` values); skipped
    questions are absent. Only "yes" counts as present."""
    ilo_yes = [c for c, a in ilo.items() if a == Answer.YES and c in IloIndicator.values]
    amp_yes = {c for c, a in amp.items() if a == Answer.YES}
    yes_codes: Iterable[str] = [*ilo_yes, *amp_yes]
    means_of_control = sorted({SUGGESTS_MEANS[c] for c in yes_codes if c in SUGGESTS_MEANS})
    return Summary(
        ilo_yes=len(ilo_yes),
        ilo_total=len(IloIndicator.values),
        ilo_answered=len(ilo),
        act=bool(amp_yes & ACTS),
        means=bool(amp_yes & MEANS),
        purpose=bool(amp_yes & PURPOSES),
        means_required=means_required,
        amp_answered=len(amp),
        means_of_control=[str(m) for m in means_of_control],
        exploitation_types=[str(SUGGESTS_EXPLOITATION)] if ilo_yes else [],
    )


def summary_of(interview) -> Summary:
    """The summary of a saved interview (its answers prefetched or one query)."""
    ilo: dict[str, str] = {}
    amp: dict[str, str] = {}
    for a in interview.answers.all():
        (ilo if a.set == "ilo" else amp)[a.code] = a.answer
    return summarise(ilo, amp, means_required=means_required(interview))


def means_required(interview) -> bool:
    if interview.means_required is not None:
        return bool(interview.means_required)
    return not interview.is_child()
