import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from academy.models import HELSINKI
from academy.tests.factories import CohortFactory, MembershipFactory, UserFactory
from notifications import reminders
from notifications.models import EmailState, OffsetDirection, OutgoingEmail, ReminderOffset

pytestmark = pytest.mark.django_db

KICKOFF = dt.datetime(2022, 3, 16, 9, 0, tzinfo=HELSINKI)


def sweep_at(*args) -> int:
    moment = dt.datetime(*args, tzinfo=HELSINKI)
    with time_machine.travel(moment, tick=False):
        return reminders.sweep(moment)


@pytest.fixture
def cohort(kickoff_rule):
    return CohortFactory(kickoff_start=KICKOFF, kickoff_end=KICKOFF + dt.timedelta(hours=2))


def test_a_new_cohort_gets_the_rules_default_reminder_times(cohort):
    offsets = ReminderOffset.objects.filter(cohort=cohort, rule="kickoff_test")
    assert sorted((o.days, o.direction) for o in offsets) == [
        (1, OffsetDirection.BEFORE),
        (3, OffsetDirection.BEFORE),
    ]


def test_due_reminders_are_queued_once_at_pinned_times(cohort):
    member = MembershipFactory(user=UserFactory(name="Maija", email="maija@example.fi"))
    assert sweep_at(2022, 3, 13, 8, 59, 59) == 0  # 3 days before is 13.3. at 9.00
    assert sweep_at(2022, 3, 13, 9, 0, 0) == 1
    assert sweep_at(2022, 3, 13, 9, 5, 0) == 0  # the next sweep queues nothing
    assert sweep_at(2022, 3, 15, 9, 0, 0) == 1  # 1 day before
    assert sweep_at(2022, 3, 16, 9, 0, 0) == 0  # the kick-off has begun: nothing more
    keys = sorted(OutgoingEmail.objects.values_list("key", flat=True))
    target = f"reminder:kickoff_test:academy.membership.{member.pk}"
    assert [key.rsplit(":", 1)[0] for key in keys] == [
        f"{target}:before-1d:2022-03-16",
        f"{target}:before-3d:2022-03-16",
    ]
    email = OutgoingEmail.objects.first()
    assert email.state == EmailState.QUEUED
    assert email.cohort == cohort
    assert email.about == member
    assert (
        "Hei Maija, kick-off alkaa 16.3.2022 klo 9.00 (Helsingin aikaa, UTC+2)" in email.body_text
    )


def test_moving_the_date_moves_the_reminder(cohort):
    MembershipFactory()
    assert sweep_at(2022, 3, 13, 9, 0) == 1
    cohort.kickoff_start = KICKOFF + dt.timedelta(days=7)
    cohort.kickoff_end = cohort.kickoff_start + dt.timedelta(hours=2)
    cohort.save()
    assert sweep_at(2022, 3, 15, 9, 0) == 0  # no longer 1 day before
    assert sweep_at(2022, 3, 20, 9, 0) == 1  # 3 days before the new date
    assert sweep_at(2022, 3, 22, 9, 0) == 1  # 1 day before it


def test_withdrawn_person_gets_no_reminder(cohort):
    MembershipFactory(user=UserFactory(is_active=False))
    assert sweep_at(2022, 3, 15, 9, 0) == 0
    assert not OutgoingEmail.objects.exists()


def test_a_worker_that_was_down_catches_up_with_the_latest_reminder_only(cohort):
    MembershipFactory()
    # The sweep did not run for two days: "tomorrow" goes, "in three days" no longer.
    assert sweep_at(2022, 3, 15, 18, 0) == 1
    assert OutgoingEmail.objects.get().key.split(":")[3] == "before-1d"
    assert sweep_at(2022, 3, 15, 18, 5) == 0
    MembershipFactory()
    assert sweep_at(2022, 3, 16, 10, 0) == 0  # after the date: too late for any


def test_staff_change_the_reminder_times_per_cohort(cohort):
    MembershipFactory()
    ReminderOffset.objects.filter(cohort=cohort, days=3).update(days=7)
    assert sweep_at(2022, 3, 9, 9, 0) == 1
    assert ":before-7d:2022-03-16:" in OutgoingEmail.objects.get().key


def test_reminder_is_in_the_recipients_language(cohort):
    MembershipFactory(user=UserFactory(preferred_language="sv", name="Sara"))
    sweep_at(2022, 3, 15, 9, 0)
    email = OutgoingEmail.objects.get()
    assert email.language == "sv"
    assert "Hej Sara, kick-off börjar 16 mars 2022 09:00 (Helsingforstid, UTC+2)" in email.body_text


def test_sweep_query_count_does_not_grow_with_the_number_of_reminders(cohort):
    MembershipFactory()
    with CaptureQueriesContext(connection) as one:
        assert sweep_at(2022, 3, 15, 9, 0) == 1
    MembershipFactory.create_batch(30)
    with CaptureQueriesContext(connection) as thirty_one:
        assert sweep_at(2022, 3, 15, 9, 5) == 30
    assert len(thirty_one) == len(one)


def test_two_sweeps_at_once_queue_each_reminder_once(cohort):
    MembershipFactory.create_batch(3)
    moment = dt.datetime(2022, 3, 15, 9, 0, tzinfo=HELSINKI)
    # Both sweeps found the same reminders before either stored them.
    first = list(reminders.due_reminders(moment))
    second = list(reminders.due_reminders(moment))
    assert reminders._queue_batch(first, {}) == 3
    reminders._queue_batch(second, {})
    assert OutgoingEmail.objects.count() == 3


def test_one_day_before_is_on_the_helsinki_clock_across_daylight_saving_time(cohort):
    # Summer time begins 27.3.2022 at 3.00; "1 day before" 27.3. 9.00 is 26.3. 9.00, not 8.00.
    cohort.kickoff_start = dt.datetime(2022, 3, 27, 9, 0, tzinfo=HELSINKI)
    cohort.kickoff_end = cohort.kickoff_start + dt.timedelta(hours=2)
    cohort.save()
    ReminderOffset.objects.filter(cohort=cohort, days=3).delete()
    MembershipFactory()
    assert sweep_at(2022, 3, 26, 8, 30) == 0
    assert sweep_at(2022, 3, 26, 9, 0) == 1


def test_a_reminder_that_cannot_be_made_does_not_stop_the_others(cohort, monkeypatch):
    broken = MembershipFactory(organisation__name="Rikki")
    MembershipFactory.create_batch(2)
    original = type(reminders.rules()["kickoff_test"]).context

    def context(rule, obj):
        if obj == broken:
            raise ValueError("no data")
        return original(rule, obj)

    monkeypatch.setattr(type(reminders.rules()["kickoff_test"]), "context", context)
    assert sweep_at(2022, 3, 15, 9, 0) == 2
    monkeypatch.undo()
    reminders.register(reminders.rules()["kickoff_test"])
    assert sweep_at(2022, 3, 15, 9, 5) == 1  # the next sweep makes the one that failed


def test_reminder_key_stays_short_for_a_long_address(cohort):
    MembershipFactory(user=UserFactory(email=("a" * 60) + "@" + ("b" * 180) + ".fi"))
    assert sweep_at(2022, 3, 15, 9, 0) == 1
    assert len(OutgoingEmail.objects.get().key) < 120
