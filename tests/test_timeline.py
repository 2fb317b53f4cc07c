"""The timeline shows stored codes in the reader's language."""

import pytest

from cases import timeline
from cases.models import TimelineEntry
from cases.vocab import CallChannel

pytestmark = pytest.mark.django_db


def test_codes_are_shown_as_labels_in_the_readers_language(case_in):
    timeline.register(
        "test_labelled",
        "Granted %(perms)s via %(channel)s",
        labels={
            "perms": {"view_case": "see the case", "change_case": "edit"},
            "channel": CallChannel,
        },
    )
    timeline.record(
        case=case_in,
        kind="test_labelled",
        data={"perms": ["view_case", "change_case"], "channel": "walk_in"},
    )
    texts = [i.text for i in timeline.entries_for(case_in) if i.kind == "test_labelled"]
    assert texts == ["Granted see the case, edit via Walk-in"]


def test_access_granted_shows_what_the_permissions_mean(case_in, other_org):
    timeline.record(
        case=case_in,
        kind="access_granted",
        data={"organization": other_org.name, "perms": ["view_case", "view_case_identity"]},
    )
    text = next(i.text for i in timeline.entries_for(case_in) if i.kind == "access_granted")
    assert "see the case, see who the person is" in text and "view_case" not in text


def test_unknown_codes_and_old_rows_still_read(case_in):
    entry = TimelineEntry.objects.create(
        case=case_in, kind="access_granted", data={"organization": "X", "perms": "view_case"}
    )
    assert entry.pk
    text = next(i.text for i in timeline.entries_for(case_in) if i.kind == "access_granted")
    assert "see the case" in text
