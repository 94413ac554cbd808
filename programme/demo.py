"""The 2022 cohort's programme in the demo: six organisations, their sessions, the pre-assignment.

The kick-off is the real one (16.3.2022 9.00–11.00, online). The announcement
gives no dates for the rest, so the demo picks them: the info session
24.1.2022 13.00–14.30, joint workshops on 11.5.2022 and 28.9.2022, sparring in
April and October, and the pre-assignment due 11.3.2022 16.00. Nothing here
sends e-mail: the rows are made as if the invitations had gone.
"""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction

from academy.demo import helsinki
from academy.models import (
    Cohort,
    Membership,
    Organisation,
    OrganisationKind,
    Participation,
    TeamRole,
    User,
)
from assignments.models import Assignment
from plans.demo import load_demo_plan, load_demo_suggestions
from workshops.models import Attendance, Session, SessionKind, SessionState

PARTICIPANT_EMAIL = "osallistuja@example.fi"
PARTICIPANT_PASSWORD = "akatemia-osallistuja-2022"  # noqa: S105 - the demo login the README prints

# Fictional organisations; their business IDs carry valid check digits.
PARTICIPANTS = [
    ("Demolan kaupunki", "9000011-8", OrganisationKind.MUNICIPALITY),
    ("Harjuniemen kunta", "9000012-6", OrganisationKind.MUNICIPALITY),
    ("Rannikon kuntayhtymä", "9000013-4", OrganisationKind.JOINT_MUNICIPAL_AUTHORITY),
    ("Esimerkkiviraston palvelukeskus", "9000014-2", OrganisationKind.STATE_AGENCY),
    ("Pohjolan seurakuntayhtymä", "9000015-0", OrganisationKind.PARISH),
    ("Koskelan kaupunki", "9000016-9", OrganisationKind.MUNICIPALITY),
]  # fmt: skip


INSTRUCTIONS = """Ennakkotehtävässä kuvaatte organisaationne hankintojen lähtötilanteen.
Käymme vastaukset läpi aloitustilaisuuden tavoitetilakeskusteluissa.

## Vastatkaa näihin

1. Mitkä ovat organisaationne ilmasto- ja hiilineutraaliustavoitteet?
2. Miten hankinnat on organisoitu, ja kuka niistä vastaa?
3. Mitkä ovat suurimmat hankintakategorianne euroina?
4. Mitä vähähiilisyyttä edistäviä kriteerejä olette jo käyttäneet?

Palauttakaa vastaukset yhtenä tiedostona (PDF, Word tai Excel).
"""


@transaction.atomic
def load_demo_programme(cohort: Cohort) -> str | None:
    """Create what is missing; returns the participant's password when this call made the user."""
    organisations = []
    for name, business_id, kind in PARTICIPANTS:
        organisation, _ = Organisation.objects.get_or_create(
            business_id=business_id, defaults={"name": name, "kind": kind}
        )
        Participation.objects.get_or_create(cohort=cohort, organisation=organisation)
        organisations.append(organisation)
    password = _participant(organisations)
    for index, organisation in enumerate(organisations[1:], start=2):
        user, _ = User.objects.get_or_create(
            email=f"yhteyshenkilo{index}@example.fi",
            defaults={"name": f"Demoyhteyshenkilö {index}", "password": make_password(None)},
        )
        Membership.objects.get_or_create(
            user=user,
            organisation=organisation,
            defaults={"role": TeamRole.PROCUREMENT_LEAD, "is_contact": True},
        )
    _sessions(cohort, organisations)
    _assignment(cohort)
    load_demo_suggestions()
    load_demo_plan(Participation.objects.get(cohort=cohort, organisation=organisations[0]))
    return password


def _participant(organisations: list[Organisation]) -> str | None:
    user, created = User.objects.get_or_create(
        email=PARTICIPANT_EMAIL, defaults={"name": "Olli Osallistuja"}
    )
    password = None
    if created:
        password = PARTICIPANT_PASSWORD if settings.DEBUG else make_password(None)[-18:]
        user.set_password(password)
        user.save(update_fields=["password"])
    EmailAddress.objects.get_or_create(
        user=user, email=PARTICIPANT_EMAIL, defaults={"verified": True, "primary": True}
    )
    Membership.objects.get_or_create(
        user=user,
        organisation=organisations[0],
        defaults={"role": TeamRole.PROCUREMENT_LEAD, "is_contact": True},
    )
    return password


def _session(cohort: Cohort, title: str, kind: str, start, end, organisation=None, **extra):
    session, created = Session.objects.get_or_create(
        cohort=cohort,
        title=title,
        organisation=organisation,
        defaults={
            "kind": kind,
            "starts_at": start,
            "ends_at": end,
            "state": SessionState.PUBLISHED,
            "published_at": helsinki(2022, 3, 1, 9, 0),
            **extra,
        },
    )
    if created and kind != SessionKind.INFO:
        members = Membership.objects.filter(
            organisation__in=[organisation]
            if organisation
            else cohort.participations.values("organisation")
        )
        Attendance.objects.bulk_create(
            [
                Attendance(
                    session=session,
                    user_id=m.user_id,
                    organisation_id=m.organisation_id,
                    invited_sequence=0,
                )
                for m in members
            ],
            ignore_conflicts=True,
        )
    return session


def _sessions(cohort: Cohort, organisations: list[Organisation]) -> None:
    _session(
        cohort,
        "Infotilaisuus hakijoille",
        SessionKind.INFO,
        helsinki(2022, 1, 24, 13, 0),
        helsinki(2022, 1, 24, 14, 30),
        online_url="https://meet.example.fi/akatemia-info",
        agenda="Akatemian tavoitteet, hakuprosessi ja kysymykset.",
    )
    _session(
        cohort,
        "Aloitustilaisuus",
        SessionKind.KICKOFF,
        cohort.kickoff_start,
        cohort.kickoff_end,
        online_url="https://meet.example.fi/akatemia-aloitus",
        agenda=(
            "1. Kestävien hankintojen toimintamalli\n"
            "2. Tavoitetilakeskustelut ennakkotehtävän pohjalta\n"
            "3. Vähähiilisyyspotentiaalin tarkastelu"
        ),
    )
    _session(
        cohort,
        "Yhteinen työpaja 1: kategoriat ja potentiaali",
        SessionKind.WORKSHOP,
        helsinki(2022, 5, 11, 9, 0),
        helsinki(2022, 5, 11, 12, 0),
        online_url="https://meet.example.fi/akatemia-tyopaja1",
    )
    _session(
        cohort,
        "Yhteinen työpaja 2: pilottihankinnat ja toimintamalli",
        SessionKind.WORKSHOP,
        helsinki(2022, 9, 28, 9, 0),
        helsinki(2022, 9, 28, 12, 0),
        place="Helsinki, Motiva",
    )
    for index, organisation in enumerate(organisations):
        day = 4 + index
        _session(
            cohort,
            f"Sparraus 1: {organisation.name}",
            SessionKind.SPARRING,
            helsinki(2022, 4, day, 13, 0),
            helsinki(2022, 4, day, 14, 30),
            organisation=organisation,
            online_url="https://meet.example.fi/akatemia-sparraus",
        )
        _session(
            cohort,
            f"Sparraus 2: {organisation.name}",
            SessionKind.SPARRING,
            helsinki(2022, 10, day, 13, 0),
            helsinki(2022, 10, day, 14, 30),
            organisation=organisation,
            online_url="https://meet.example.fi/akatemia-sparraus",
        )


def _assignment(cohort: Cohort) -> None:
    Assignment.objects.get_or_create(
        cohort=cohort,
        defaults={
            "title": "Ennakkotehtävä: hankintojen lähtötilanne",
            "instructions": INSTRUCTIONS,
            "due_at": helsinki(2022, 3, 11, 16, 0),
            "cutoff_at": helsinki(2022, 3, 15, 16, 0),
            "sent_at": helsinki(2022, 3, 1, 9, 0),
        },
    )
