import pytest

from tests.factories import UserFactory


def call_data(persons: list[dict] | None = None, **overrides) -> dict:
    """A valid intake POST: one call, the given persons (defaults: one man)."""
    data = {
        "received_at": "2026-01-10T09:30",
        "channel": "whatsapp",
        "urgency": "immediate",
        "caller_name": "Srey Mom",
        "caller_relation": "family",
        "caller_phone": "012 777 888",  # Cambodian local format: the org is in KH
        "callback_notes": "Evenings only",
        "language": "Khmer",
        "reported_country": "MY",
        "reported_place": "Kuala Terengganu",
        "reported_port": "",
        "vessel": "KN 4471",
        "employer": "",
        "summary": "Two men cannot leave the boat and are beaten.",
        "industry": "03.11",
        "exploitation_types": ["forced_labour"],
        "means_of_control": ["debt_bondage"],
        "existing_reference": "",
    }
    persons = persons if persons is not None else [{}]
    data["persons-TOTAL_FORMS"] = str(len(persons))
    data["persons-INITIAL_FORMS"] = "0"
    data["persons-MIN_NUM_FORMS"] = "1"
    data["persons-MAX_NUM_FORMS"] = "30"
    for i, p in enumerate(persons):
        person = {
            "given_name": "កុសល",
            "family_name": f"អ៊ឹម{i}",
            "given_name_latin": "Kosal",
            "family_name_latin": f"Im{i}",
            "sex": "male",
            "date_of_birth": "",
            "estimated_age": "30",
            "nationality": "KH",
            "phone": "",
            "link_case": "",
            **p,
        }
        for key, value in person.items():
            if key == "stateless" and not value:
                continue
            data[f"persons-{i}-{key}"] = value
    data.update(overrides)
    return data


@pytest.fixture
def coordinator(org):
    return UserFactory(username="coord", organization=org, role="coordinator")
