"""Staff's side of the interviews: generating slots, the slot list and the interview desk."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from academy.models import HELSINKI
from academy.tests.factories import CohortFactory, UserFactory
from applications import interviews, services
from applications.models import Interview, InterviewSlot
from notifications.models import OutgoingEmail

from .conftest import posted_form
from .factories import DURING_CALL, ApplicationFactory

pytestmark = pytest.mark.django_db

ADMIN = "/en/admin/applications/"


@pytest.fixture
def staff_client(client):
    staff = UserFactory(email="henkilosto@example.fi", is_staff=True)
    staff.groups.add(Group.objects.get(name="Programme staff"))
    client.force_login(staff)
    return client


def submitted(cohort):
    application = ApplicationFactory(cohort=cohort)
    return services.submit_application(application, by=application.applicant, now=DURING_CALL)


def make_slots(cohort, days=1):
    return interviews.generate_slots(
        cohort,
        first_day=dt.date(2022, 2, 7),
        last_day=dt.date(2022, 2, 7) + dt.timedelta(days=days - 1),
        day_starts=dt.time(9, 0),
        day_ends=dt.time(15, 0),
        length=dt.timedelta(minutes=45),
        buffer=dt.timedelta(minutes=15),
        weekdays_only=False,
    )[0]


def test_staff_generate_slots_in_bulk(staff_client, cohort):
    interviewer = UserFactory(email="haastattelija@example.fi", is_staff=True)
    page = staff_client.get(f"{ADMIN}interviewslot/generate/")
    assert page.status_code == 200
    response = staff_client.post(
        f"{ADMIN}interviewslot/generate/",
        {
            "cohort": cohort.pk,
            "first_day": "2022-01-31",
            "last_day": "2022-02-06",
            "weekdays_only": "on",
            "day_starts": "09:00",
            "day_ends": "12:00",
            "length": "45",
            "buffer": "15",
            "interviewers": [interviewer.pk],
            "meeting_url": "meet.example.fi/akatemia",
        },
    )
    assert response.status_code == 302
    assert InterviewSlot.objects.count() == 5 * 3
    slot = InterviewSlot.objects.first()
    assert slot.meeting_url == "https://meet.example.fi/akatemia"
    assert list(slot.interviewers.all()) == [interviewer]


def test_slot_generation_explains_bad_input(staff_client, cohort):
    response = staff_client.post(
        f"{ADMIN}interviewslot/generate/",
        {
            "cohort": cohort.pk,
            "first_day": "2022-02-06",
            "last_day": "2022-01-31",
            "day_starts": "12:00",
            "day_ends": "09:00",
            "length": "45",
            "buffer": "15",
        },
    )
    html = response.content.decode()
    assert "The last day cannot come before the first." in html
    assert "The day must end after it starts." in html
    assert InterviewSlot.objects.count() == 0


def test_bulk_delete_removes_only_free_slots(staff_client, cohort):
    slots = make_slots(cohort)
    application = submitted(cohort)
    interviews.book_interview(slots[0], application, by=application.applicant, now=DURING_CALL)
    response = staff_client.post(
        f"{ADMIN}interviewslot/",
        {"action": "delete_free", "_selected_action": [s.pk for s in slots]},
    )
    assert response.status_code == 302
    assert list(InterviewSlot.objects.all()) == [slots[0]]
    message = str(list(response.wsgi_request._messages)[-1])
    assert message == f"{len(slots) - 1} free slots deleted."


def test_staff_book_and_move_an_interview_for_an_applicant(staff_client, cohort):
    slots = make_slots(cohort)
    application = submitted(cohort)
    add = f"{ADMIN}interview/add/"
    with time_machine.travel(DURING_CALL, tick=False):
        response = staff_client.post(
            add, {"application": application.pk, "slot": slots[1].pk, "assessment": ""}
        )
        assert response.status_code == 302
        interview = Interview.objects.get()
        change = f"{ADMIN}interview/{interview.pk}/change/"
        data = posted_form(staff_client.get(change).content.decode())
        data.update(
            {
                "slot": slots[2].pk,
                "assessment": "Sitoutunut johto.",
                "readiness": "4",
                "commitment": "5",
                "recommendation": "selected",
            }
        )
        assert staff_client.post(change, data).status_code == 302
    interview.refresh_from_db()
    assert (interview.slot, interview.sequence, interview.assessment) == (
        slots[2],
        1,
        "Sitoutunut johto.",
    )
    assert (interview.readiness, interview.commitment, interview.recommendation) == (
        4,
        5,
        "selected",
    )
    purposes = list(OutgoingEmail.objects.order_by("pk").values_list("purpose", flat=True))
    assert purposes[-2:] == ["interview_booked", "interview_moved"]


def test_staff_cannot_book_a_taken_slot_or_a_draft(staff_client, cohort):
    slots = make_slots(cohort)
    first = submitted(cohort)
    interviews.book_interview(slots[0], first, by=first.applicant, now=DURING_CALL)
    second = submitted(cohort)
    draft = ApplicationFactory(cohort=cohort)
    with time_machine.travel(DURING_CALL, tick=False):
        taken = staff_client.post(
            f"{ADMIN}interview/add/", {"application": second.pk, "slot": slots[0].pk}
        )
        drafted = staff_client.post(
            f"{ADMIN}interview/add/", {"application": draft.pk, "slot": slots[1].pk}
        )
    assert "This time has already been booked." in taken.content.decode()
    assert "Only a submitted application is interviewed." in drafted.content.decode()
    assert Interview.objects.count() == 1


def test_the_application_list_shows_who_has_not_booked(staff_client, cohort):
    slots = make_slots(cohort)
    booked, missing = submitted(cohort), submitted(cohort)
    interviews.book_interview(slots[0], booked, by=booked.applicant, now=DURING_CALL)
    html = staff_client.get(f"{ADMIN}application/?interview=missing").content.decode()
    assert missing.organisation_name in html
    assert booked.organisation_name not in html
    html = staff_client.get(f"{ADMIN}application/?interview=booked").content.decode()
    assert booked.organisation_name in html
    assert "Feb. 7, 2022, 9 a.m.–9:45 a.m. (Helsinki time, UTC+2)" in html


@pytest.mark.parametrize("changelist", ["interviewslot", "interview", "application"])
def test_staff_lists_make_the_same_queries_with_1_or_30_interviews(
    staff_client, cohort, changelist
):
    slots = make_slots(cohort, days=5)
    counts = []
    for total in (1, 30):
        while Interview.objects.count() < total:
            application = submitted(cohort)
            slot = slots[Interview.objects.count()]
            slot.interviewers.add(UserFactory(is_staff=True))
            interviews.book_interview(slot, application, by=application.applicant, now=DURING_CALL)
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get(f"{ADMIN}{changelist}/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_generating_slots_starts_from_the_current_cohort_and_its_interview_weeks(
    staff_client, cohort
):
    CohortFactory(
        slug="2021",
        year=2021,
        application_opens=dt.datetime(2021, 1, 18, tzinfo=HELSINKI),
        application_closes=dt.datetime(2021, 2, 12, tzinfo=HELSINKI),
        interviews_start=dt.date(2021, 2, 1),
        interviews_end=dt.date(2021, 2, 21),
    )
    form = staff_client.get(f"{ADMIN}interviewslot/generate/").context["form"]
    assert form["cohort"].value() == cohort.pk
    assert form["first_day"].value() == cohort.interviews_start
    assert form["last_day"].value() == cohort.interviews_end
