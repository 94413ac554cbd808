"""Demo applications to the 2022 cohort, so that staff can try review, scoring and exports.

They are stored directly, without the e-mails that submitting sends: the
applicants are fictional, and a demo must not mail anyone.
"""

import datetime as dt

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from academy.demo import ORGANISATIONS
from academy.models import HELSINKI, Cohort, TeamRole, User

from .interviews import generate_slots
from .models import (
    Application,
    ApplicationState,
    Interview,
    ProposedMember,
    Review,
    Score,
    StateChange,
)
from .services import record_version

ANSWERS = {
    "region": "Pirkanmaa",
    "contact_title": "Hankintapäällikkö",
    "contact_phone": "040 123 4567",
    "motivation": "Haluamme vähentää hankintojen päästöjä järjestelmällisesti.",
    "goals": "Hankintojen johtamisen toimintamalli ja kaksi kategoriakohtaista suunnitelmaa.",
    "climate_targets": "Hiilineutraalius vuoteen 2030 mennessä.",
    "procurement_strategy": "Hankintastrategiassa on vastuullisuus- ja ilmastolinjaus.",
    "earlier_work": "Ympäristökriteerit ruokapalveluiden ja ajoneuvojen hankinnoissa.",
    "main_categories": "Rakentaminen, ruokapalvelut, ICT, energia",
    "pilot_candidate": "Koulun peruskorjauksen urakka syksyllä 2022",
    "approver_name": "Kaisa Johtaja",
    "approver_title": "Johtaja",
    "privacy_consent": True,
}
# (days after the call opened, or None for a draft; annual procurement volume in euros)
PLAN = [(14, 250_000_000), (18, 420_000_000), (21, 35_000_000), (None, 8_000_000)]


def _opened(cohort: Cohort, days: int) -> dt.datetime:
    return cohort.application_opens.astimezone(HELSINKI) + dt.timedelta(days=days, hours=10)


@transaction.atomic
def load_demo_applications(cohort: Cohort, reviewer: User) -> None:
    """Create the demo applications that are missing; leave existing ones as they are."""
    for index, ((name, business_id, kind), (days, volume)) in enumerate(
        zip(ORGANISATIONS, PLAN, strict=True)
    ):
        if Application.objects.filter(cohort=cohort, business_id=business_id).exists():
            continue
        applicant, _ = User.objects.get_or_create(
            email=f"hakija{index + 1}@example.fi",
            defaults={"name": f"Demohakija {index + 1}", "password": make_password(None)},
        )
        application = Application.objects.create(
            cohort=cohort,
            applicant=applicant,
            organisation_name=name,
            business_id=business_id,
            organisation_kind=kind,
            contact_name=applicant.name,
            contact_email=applicant.email,
            procurement_volume=volume,
            **ANSWERS,
        )
        _team(application)
        started = _opened(cohort, 2)
        StateChange.objects.create(
            application=application, from_state="", to_state="draft", at=started, by=applicant
        )
        if days is not None:
            _submit(application, _opened(cohort, days))
            if index == 0:
                _review(application, reviewer)
    _interviews(cohort, reviewer)


def _interviews(cohort: Cohort, interviewer: User) -> None:
    """Slots on the first two interview days, and the first two submitted applications booked."""
    if cohort.interview_slots.exists():
        return
    first_day = cohort.interviews_start + dt.timedelta(days=7)
    slots, _skipped = generate_slots(
        cohort,
        first_day=first_day,
        last_day=first_day + dt.timedelta(days=1),
        day_starts=dt.time(9, 0),
        day_ends=dt.time(12, 0),
        length=dt.timedelta(minutes=45),
        buffer=dt.timedelta(minutes=15),
        interviewers=[interviewer],
        meeting_url="https://meet.example.fi/akatemia-haastattelu",
    )
    submitted = Application.objects.filter(cohort=cohort, state=ApplicationState.SUBMITTED)
    for slot, application in zip(slots, submitted.order_by("submitted_at")[:2], strict=False):
        # Stored directly, like the applications: a demo sends no invitations.
        Interview.objects.create(
            application=application,
            slot=slot,
            booked_at=application.submitted_at or timezone.now(),
            booked_by=application.applicant,
        )


def _team(application: Application) -> None:
    ProposedMember.objects.bulk_create(
        [
            ProposedMember(
                application=application,
                role=TeamRole.PROCUREMENT_LEAD,
                name="Maija Meikäläinen",
                title="Hankintapäällikkö",
                position=0,
            ),
            ProposedMember(
                application=application,
                role=TeamRole.SUSTAINABILITY_SPECIALIST,
                name="Ville Vastuullinen",
                title="Ympäristöasiantuntija",
                position=1,
            ),
        ]
    )


def _submit(application: Application, at: dt.datetime) -> None:
    Application.objects.filter(pk=application.pk).update(
        state=ApplicationState.SUBMITTED, submitted_at=at, submission_count=1
    )
    application.refresh_from_db()
    StateChange.objects.create(
        application=application,
        from_state="draft",
        to_state="submitted",
        at=at,
        by=application.applicant,
    )
    record_version(application, by=application.applicant)


def _review(application: Application, reviewer: User) -> None:
    review = Review.objects.create(application=application, reviewer=reviewer)
    Score.objects.bulk_create(
        [
            Score(review=review, criterion=criterion, value=value, comment="Demoarvio.")
            for criterion, value in zip(
                application.cohort.review_criteria.all(), (5, 4, 4, 3), strict=False
            )
        ]
    )
