"""factory_boy factories. Names default to a mix of scripts on purpose."""

import factory
from factory.django import DjangoModelFactory

from cases.models import Person
from cases.services import case_create
from cases.vocab import Sex
from partners.models import Organization, OrganizationKind, User
from partners.roles import Role

PASSWORD = "a-test-password-1234"


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Partner organisation {n}")
    code = factory.Sequence(lambda n: f"org{n}")
    kind = OrganizationKind.NGO
    country = "KH"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.CASEWORKER
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    given_name = "សុខា"
    family_name = factory.Sequence(lambda n: f"ពៅ{n}")
    given_name_latin = "Sokha"
    family_name_latin = factory.Sequence(lambda n: f"Pov{n}")
    sex = Sex.MALE
    estimated_age = 30
    nationality = "KH"
    phone = "+85512345678"


def make_case(organization, by=None, **fields):
    """A case through the real service (reference, owner grants, timeline)."""
    person = fields.pop("person", None) or PersonFactory.build()
    return case_create(organization=organization, by=by, person=person, **fields)
