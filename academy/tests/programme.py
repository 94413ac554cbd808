"""Shared test data for the running programme: participating organisations, sessions, files.

The cohort is the 2022 one (kick-off 16.3.2022 9.00–11.00 Helsinki time); tests
that need "now" travel to a moment of their own.
"""

import datetime as dt
import io
import zipfile

import factory
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from academy.files import store
from academy.models import HELSINKI, Membership, Participation
from academy.tests.factories import CohortFactory, OrganisationFactory, UserFactory
from academy.uploads import FILE_TYPES
from assignments.models import Assignment, Template
from workshops.models import Session, SessionKind, SessionState

BEFORE_KICKOFF = dt.datetime(2022, 3, 2, 10, 0, tzinfo=HELSINKI)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def helsinki(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=HELSINKI)


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participation

    cohort = factory.SubFactory(CohortFactory)
    organisation = factory.SubFactory(OrganisationFactory)


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    cohort = factory.SubFactory(CohortFactory)
    kind = SessionKind.KICKOFF
    title = "Aloitustilaisuus"
    starts_at = helsinki(2022, 3, 16, 9, 0)
    ends_at = helsinki(2022, 3, 16, 11, 0)
    online_url = "https://meet.example.fi/aloitus"
    state = SessionState.DRAFT


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    cohort = factory.SubFactory(CohortFactory)
    title = "Ennakkotehtävä"
    instructions = "## Tehtävä\n\nKuvatkaa hankintojenne **nykytila**."
    due_at = helsinki(2022, 3, 11, 16, 0)
    max_size_mb = 5


def member(participation: Participation, email: str, *, contact: bool = False, **user):
    person = UserFactory(email=email, preferred_language="fi", **user)
    Membership.objects.create(
        user=person,
        organisation=participation.organisation,
        role="procurement_lead" if contact else "procurement_specialist",
        is_contact=contact,
    )
    return person


def staff_user(email: str = "henkilosto@example.fi"):
    person = UserFactory(email=email, is_staff=True, preferred_language="fi")
    person.groups.add(Group.objects.get(name="Programme staff"))
    return person


def pdf_upload(name: str = "Vastaus.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def stored_pdf(name: str = "Pohja.pdf", by=None):
    return store(pdf_upload(name), allowed=FILE_TYPES.keys(), max_bytes=10**6, by=by)


def template_for(assignment: Assignment, title: str = "Ennakkotehtäväpohja") -> Template:
    return Template.objects.create(assignment=assignment, title=title, file=stored_pdf())


def cohort_around_now(kickoff_in_days: int, **fields):
    """A cohort placed around the real clock, for browser tests: the browser keeps real time.

    The call closed well before; the kick-off is ``kickoff_in_days`` from now
    (negative: already held), and the programme runs on for half a year.
    """
    from django.utils import timezone

    now = timezone.now()
    kickoff = now + dt.timedelta(days=kickoff_in_days)
    start = kickoff - dt.timedelta(days=60)
    values = {
        "slug": "akatemia",
        "year": now.year,
        "application_opens": start - dt.timedelta(days=30),
        "application_closes": start,
        "interviews_start": (start - dt.timedelta(days=10)).date(),
        "interviews_end": (start + dt.timedelta(days=10)).date(),
        "decisions_on": (start + dt.timedelta(days=15)).date(),
        "kickoff_start": kickoff,
        "kickoff_end": kickoff + dt.timedelta(hours=2),
        "ends_on": (now + dt.timedelta(days=200)).date(),
        **fields,
    }
    return CohortFactory(**values)


def participant_with_password(participation, email: str, password: str, name: str):
    """A contact person who signs in with a password, their address verified."""
    from allauth.account.models import EmailAddress

    person = member(participation, email, contact=True, name=name)
    person.set_password(password)
    person.save()
    EmailAddress.objects.create(user=person, email=email, verified=True, primary=True)
    return person
