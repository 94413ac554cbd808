"""The 2022 demo cohort, with the dates of the real programme (PROGRAMME.md).

Where the announcement gives no date, the demo picks one and says so:
decisions by 25.2.2022 ("after the interviews") and the programme's last day
30.11.2022 ("spring–autumn 2022").
"""

import datetime as dt
import secrets

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction

from .models import HELSINKI, Cohort, Organisation, OrganisationKind, User
from .staff import PROGRAMME_STAFF

STAFF_EMAIL = "staff@example.fi"
STAFF_PASSWORD = "akatemia-demo-2022"  # noqa: S105 - the demo login the README prints


def helsinki(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=HELSINKI)


COHORT_2022 = {
    "name": "Vähähiilisten hankintojen akatemia 2022",
    "year": 2022,
    "capacity": 6,
    "application_opens": helsinki(2022, 1, 17, 0, 0, 0),
    # The last second of 11.2.2022 in Helsinki: see Cohort's docstring.
    "application_closes": helsinki(2022, 2, 11, 23, 59, 59),
    "interviews_start": dt.date(2022, 1, 31),
    "interviews_end": dt.date(2022, 2, 20),
    "decisions_on": dt.date(2022, 2, 25),
    "kickoff_start": helsinki(2022, 3, 16, 9, 0),
    "kickoff_end": helsinki(2022, 3, 16, 11, 0),
    "kickoff_invitation_by": dt.date(2022, 3, 4),
    "ends_on": dt.date(2022, 11, 30),
    "contact_email": "akatemia@example.fi",
    "description_fi": (
        "Vuoden 2022 akatemiaan valitaan kuusi julkista organisaatiota. Kaikki hakijat "
        "haastatellaan viikoilla 5–7, ja kick-off pidetään verkossa 16.3.2022."
    ),
    "description_sv": (
        "Till akademin 2022 väljs sex offentliga organisationer. Alla sökande intervjuas "
        "under veckorna 5–7, och kick-off hålls på webben den 16 mars 2022."
    ),
    "description_en": (
        "Six public organisations are selected for the 2022 academy. Every applicant is "
        "interviewed in weeks 5–7, and the kick-off is held online on 16 March 2022."
    ),
}

# Fictional organisations; their business IDs carry valid check digits.
ORGANISATIONS = [
    ("Esimerkkilän kaupunki", "9000001-1", OrganisationKind.MUNICIPALITY),
    (
        "Järvi-Suomen hyvinvointikuntayhtymä",
        "9000003-8",
        OrganisationKind.JOINT_MUNICIPAL_AUTHORITY,
    ),
    ("Demoviraston hankintakeskus", "9000004-6", OrganisationKind.STATE_AGENCY),
    ("Esimerkkilän seurakuntayhtymä", "9000005-4", OrganisationKind.PARISH),
]


@transaction.atomic
def load_demo() -> tuple[Cohort, str | None]:
    """Create what is missing; leave everything that exists as it is.

    Returns the cohort and the staff user's password when this call created
    the user. The published demo password is only used while DEBUG is on, so a
    production site that loads the demo never has a login anyone can read.
    """
    cohort, _ = Cohort.objects.get_or_create(slug="2022", defaults=COHORT_2022)
    for name, business_id, kind in ORGANISATIONS:
        Organisation.objects.get_or_create(
            business_id=business_id, defaults={"name": name, "kind": kind}
        )
    return cohort, _create_staff_user()


def _create_staff_user() -> str | None:
    user, created = User.objects.get_or_create(
        email=STAFF_EMAIL, defaults={"name": "Demo Staff", "is_staff": True}
    )
    password = None
    if created:
        password = STAFF_PASSWORD if settings.DEBUG else secrets.token_urlsafe(18)
        user.set_password(password)
        user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name=PROGRAMME_STAFF))
    EmailAddress.objects.get_or_create(
        user=user, email=STAFF_EMAIL, defaults={"verified": True, "primary": True}
    )
    return password
