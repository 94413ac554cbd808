import datetime as dt

import factory

from academy.business_id import check_digit
from academy.models import HELSINKI, Cohort, Membership, Organisation, OrganisationKind, User


def valid_business_id(n: int) -> str:
    """A business ID with a correct check digit, skipping numbers that have none."""
    while True:
        digits = f"{n:07d}"
        if (digit := check_digit(digits)) is not None:
            return f"{digits}-{digit}"
        n += 1


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]

    email = factory.Sequence(lambda n: f"person{n}@example.fi")
    name = factory.Faker("name", locale="fi_FI")
    password = factory.django.Password("correct horse battery staple")


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort

    name = factory.Sequence(lambda n: f"Akatemia {2022 + n}")
    slug = factory.Sequence(lambda n: f"cohort-{n}")
    year = 2022
    application_opens = dt.datetime(2022, 1, 17, 0, 0, tzinfo=HELSINKI)
    application_closes = dt.datetime(2022, 2, 11, 23, 59, 59, tzinfo=HELSINKI)
    interviews_start = dt.date(2022, 1, 31)
    interviews_end = dt.date(2022, 2, 20)
    decisions_on = dt.date(2022, 2, 25)
    kickoff_start = dt.datetime(2022, 3, 16, 9, 0, tzinfo=HELSINKI)
    kickoff_end = dt.datetime(2022, 3, 16, 11, 0, tzinfo=HELSINKI)
    ends_on = dt.date(2022, 11, 30)
    contact_email = "akatemia@example.fi"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisaatio {n}")
    business_id = factory.Sequence(lambda n: valid_business_id(8000000 + n * 3))
    kind = OrganisationKind.MUNICIPALITY


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = "procurement_specialist"
