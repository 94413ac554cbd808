import datetime as dt
import time

import factory
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value

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
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.fi")
    name = factory.Faker("name", locale="fi_FI")
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def second_factor(user, create, extracted, **kwargs):
        """Staff have an authenticator app (``TOTP_SECRET``) unless ``second_factor=False``."""
        if create and user.is_staff and extracted is not False:
            give_second_factor(user)


# The authenticator app of every staff user the tests make: ``totp_code()`` is what it shows.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def give_second_factor(user) -> None:
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, TOTP_SECRET)


def totp_code(secret: str = TOTP_SECRET, at: float | None = None) -> str:
    """The code an authenticator app shows now (or at ``at``)."""
    return format_hotp_value(hotp_value(secret, int(at or time.time()) // 30))


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
