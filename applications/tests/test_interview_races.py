"""Races on PostgreSQL: two windows moving or cancelling one interview, one applicant
booking many times at once. The loser is told what happened; nobody gets an error page."""

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection
from django.test import Client

from applications import interviews, services
from applications.models import Interview
from notifications.models import OutgoingEmail

from .conftest import url
from .factories import DURING_CALL, ApplicationFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks need PostgreSQL"),
]


@pytest.fixture
def slots(cohort):
    return interviews.generate_slots(
        cohort,
        first_day=dt.date(2022, 2, 7),
        last_day=dt.date(2022, 2, 8),
        day_starts=dt.time(8, 0),
        day_ends=dt.time(14, 0),
        length=dt.timedelta(minutes=45),
        buffer=dt.timedelta(minutes=15),
    )[0]


@pytest.fixture
def submitted(cohort, applicant):
    application = ApplicationFactory(cohort=cohort, applicant=applicant)
    return services.submit_application(application, by=applicant, now=DURING_CALL)


def race(count: int, attempt) -> list:
    """``attempt(i)`` in ``count`` threads released at once; what each returned or raised."""
    barrier, results = threading.Barrier(count), [None] * count

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = attempt(index)
        except Exception as error:  # noqa: BLE001 - the test reports whatever happened
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def book(application, slot) -> Interview:
    return interviews.book_interview(slot, application, by=application.applicant, now=DURING_CALL)


def test_ten_windows_moving_one_interview_move_it_once(submitted, slots):
    booked = book(submitted, slots[0])
    # What each window showed when its form was sent.
    seen = [Interview.objects.get(pk=booked.pk) for _ in range(10)]
    results = race(
        10,
        lambda i: interviews.reschedule_interview(
            seen[i], slots[i + 1], by=submitted.applicant, now=DURING_CALL
        ),
    )
    moved = [result for result in results if isinstance(result, Interview)]
    refused = [result for result in results if not isinstance(result, Interview)]
    assert len(moved) == 1, results
    assert all(isinstance(error, interviews.InterviewChanged) for error in refused), results
    interview = Interview.objects.get()
    assert interview.slot == moved[0].slot
    assert interview.sequence == booked.sequence + 1
    assert OutgoingEmail.objects.filter(purpose="interview_moved").count() == 1


def test_moving_and_cancelling_one_interview_at_once_does_one_of_them(submitted, slots):
    for round_ in range(6):
        booked = book(submitted, slots[round_ % 2])
        seen = [Interview.objects.get(pk=booked.pk) for _ in range(2)]
        target = slots[2 + round_]

        def move_or_cancel(i, seen=seen, target=target):
            if i == 0:
                return interviews.reschedule_interview(
                    seen[0], target, by=submitted.applicant, now=DURING_CALL
                )
            return interviews.cancel_interview(seen[1], by=submitted.applicant, now=DURING_CALL)

        results = race(2, move_or_cancel)
        done = [result for result in results if isinstance(result, Interview)]
        assert len(done) == 1, results
        (refused,) = [result for result in results if not isinstance(result, Interview)]
        assert isinstance(refused, interviews.InterviewChanged | services.NotAllowed), results
        booked.refresh_from_db()
        if booked.cancelled_at is None:
            interviews.cancel_interview(booked, by=submitted.applicant, now=DURING_CALL)


def post_at_once(application, slot_ids: list[int]) -> list[int]:
    clients = []
    for _ in slot_ids:
        client = Client(raise_request_exception=False)
        client.force_login(application.applicant)
        clients.append(client)
    with time_machine.travel(DURING_CALL, tick=False):
        responses = race(
            len(slot_ids),
            lambda i: clients[i].post(url("interview", application), {"slot": slot_ids[i]}),
        )
    return [getattr(response, "status_code", response) for response in responses]


def test_one_applicant_booking_eight_times_at_once_gets_one_interview(submitted, slots):
    statuses = post_at_once(submitted, [slot.pk for slot in slots[:8]])
    assert set(statuses) <= {200, 302}, statuses
    assert Interview.objects.active().filter(application=submitted).count() == 1
    assert OutgoingEmail.objects.filter(purpose="interview_booked").count() == 1


def test_two_tabs_moving_one_booking_never_fail(submitted, slots):
    book(submitted, slots[0])
    for round_ in range(5):
        targets = [slots[1 + 2 * round_].pk, slots[2 + 2 * round_].pk]
        statuses = post_at_once(submitted, targets)
        assert set(statuses) <= {200, 302}, statuses
        (interview,) = Interview.objects.active().filter(application=submitted)
        assert interview.slot_id in targets
