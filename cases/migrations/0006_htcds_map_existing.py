"""Existing rows in the HTCDS 2.0 vocabularies (reviewed for loss, tested in
tests/cases/test_htcds_migration.py):

- industry: the old ad-hoc values become ISIC Rev. 4 codes. Each old value has exactly one
  new value that means the same or more (``fishing`` covered marine fishing *and*
  aquaculture: ISIC division 03 "Fishing and aquaculture", not class 03.11), so no case says
  more than it did. ``begging`` and ``other`` stay as they are. Reversible.
- identification decided by: a text equal (case and spaces ignored) to an organisation's name
  or code becomes a reference to it and the HTCDS kind of decider follows its kind; the text
  is then cleared (the organisation's name replaces it). A text that matches no organisation
  is kept as it was. Reversible (the name is written back; backwards, an ISIC value goes to the
  old value that contains it, else ``other``).
- methods of control and exploitation types: the stored values are unchanged (the new HTCDS
  codes are new values), so nothing to map.
"""

from django.db import migrations

INDUSTRY = {
    "fishing": "03",
    "agriculture": "01",
    "construction": "F",
    "manufacturing": "C",
    "domestic_work": "97",
    "hospitality": "I",
    "entertainment": "R",
    "online_scam": "82.20",
    "begging": "begging",
    "other": "other",
}
DECIDER = {
    "ngo": "ngo",
    "shelter": "ngo",
    "law_enforcement": "police",
    "government": "non_police_government",
    "embassy": "non_police_government",
    "un_agency": "other",
    "international": "other",
}


def _norm(text):
    return " ".join(text.split()).casefold()


def forward(apps, schema_editor):
    for name in ("Case", "HistoricalCase"):
        model = apps.get_model("cases", name)
        for old, new in INDUSTRY.items():
            if old != new:
                model.objects.filter(industry=old).update(industry=new)
    Organization = apps.get_model("partners", "Organization")
    orgs = {}
    for org in Organization.objects.all():
        orgs.setdefault(_norm(org.name), org)
        orgs.setdefault(_norm(org.code), org)
    Case = apps.get_model("cases", "Case")
    for case in Case.objects.exclude(trafficking_status_decided_by="").only(
        "pk", "trafficking_status_decided_by"
    ):
        org = orgs.get(_norm(case.trafficking_status_decided_by))
        if org is None:
            continue
        Case.objects.filter(pk=case.pk).update(
            trafficking_status_decided_by_org=org,
            trafficking_status_decider_kind=DECIDER.get(org.kind, "other"),
            trafficking_status_decided_by="",
        )


# Backwards, the finer ISIC values go to the old value that contains them; what the old list
# could not say becomes "other".
BACK = {
    **{new: old for old, new in INDUSTRY.items()},
    "03.11": "fishing",
    "03.12": "fishing",
    "03.2": "fishing",
    "A": "agriculture",
    "02": "agriculture",
    "10.20": "manufacturing",
    "14": "manufacturing",
    "T": "domestic_work",
}


def backward(apps, schema_editor):
    back = BACK
    for name in ("Case", "HistoricalCase"):
        model = apps.get_model("cases", name)
        for value in model.objects.exclude(industry="").values_list("industry", flat=True).distinct():
            model.objects.filter(industry=value).update(industry=back.get(value, "other"))
    Case = apps.get_model("cases", "Case")
    for case in Case.objects.filter(trafficking_status_decided_by_org__isnull=False).select_related(
        "trafficking_status_decided_by_org"
    ):
        if not case.trafficking_status_decided_by:
            Case.objects.filter(pk=case.pk).update(
                trafficking_status_decided_by=case.trafficking_status_decided_by_org.name
            )


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_htcds_vocabularies"), ("partners", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
