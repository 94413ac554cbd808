"""Reminders of the pre-assignment: 7 and 1 days before its due date, to those not yet done."""

import datetime as dt

import pytest
import time_machine

from academy.tests.programme import ParticipationFactory, member, pdf_upload
from assignments import services
from assignments.models import Submission
from notifications import reminders
from notifications.models import ReminderOffset

from .support import BEFORE_DUE, DUE, mails, recipients

pytestmark = pytest.mark.django_db

WEEK_BEFORE = DUE - dt.timedelta(days=7)
DAY_BEFORE = DUE - dt.timedelta(days=1)


@pytest.fixture
def done(cohort, assignment):
    """A third organisation, which has submitted its pre-assignment as final."""
    participation = ParticipationFactory(cohort=cohort, organisation__name="Valmiin kaupunki")
    person = member(participation, "valmis@valmis.fi", contact=True, name="Veera Valmis")
    with time_machine.travel(BEFORE_DUE, tick=False):
        submission = services.submission_for(assignment, participation.organisation)
        services.upload(submission, pdf_upload(), by=person, now=BEFORE_DUE)
        services.finalise(submission, by=person, now=BEFORE_DUE)
    return person


@pytest.fixture
def everyone(assignment, contact, colleague, outsider, done):
    return [contact, colleague, outsider]


def sweep(when) -> int:
    with time_machine.travel(when, tick=False):
        reminders.sweep(when)
    return len(mails("assignment_reminder"))


def emails_of(*people) -> list[str]:
    return sorted(person.email for person in people)


def test_a_new_cohort_gets_the_reminder_times_7_and_1_days_before(cohort):
    offsets = ReminderOffset.objects.filter(cohort=cohort, rule="assignment_due")
    assert sorted(offsets.values_list("days", "direction")) == [(1, "before"), (7, "before")]


def test_nothing_is_due_until_a_week_before(everyone):
    assert sweep(WEEK_BEFORE - dt.timedelta(seconds=1)) == 0


def test_a_week_before_every_member_of_an_organisation_not_done_is_reminded(
    everyone, contact, colleague, outsider, ours
):
    sweep(WEEK_BEFORE)
    assert recipients("assignment_reminder") == emails_of(contact, colleague, outsider)
    to_contact = next(m for m in mails("assignment_reminder") if m.to == contact.email)
    assert f"/workspace/{ours.pk}/pre-assignment/" in to_contact.body_text
    assert "Esimerkkilän kaupunki" in to_contact.body_text
    assert "11.3.2022" in to_contact.subject


def test_an_organisation_with_a_draft_is_reminded_too(everyone, assignment, ours, contact):
    with time_machine.travel(BEFORE_DUE, tick=False):
        submission = services.submission_for(assignment, ours.organisation)
        services.upload(submission, pdf_upload(), by=contact, now=BEFORE_DUE)
    sweep(WEEK_BEFORE)
    assert contact.email in recipients("assignment_reminder")


def test_the_day_before_each_gets_a_second_reminder(everyone, contact, colleague, outsider):
    sweep(WEEK_BEFORE)
    assert sweep(DAY_BEFORE) == 6
    assert recipients("assignment_reminder") == sorted(emails_of(contact, colleague, outsider) * 2)


def test_a_second_sweep_sends_nothing_more(everyone):
    sweep(WEEK_BEFORE)
    assert sweep(WEEK_BEFORE + dt.timedelta(minutes=5)) == 3
    sweep(DAY_BEFORE)
    assert sweep(DAY_BEFORE + dt.timedelta(minutes=5)) == 6


def test_the_organisation_that_has_submitted_is_never_reminded(everyone, done):
    sweep(WEEK_BEFORE)
    sweep(DAY_BEFORE)
    assert done.email not in recipients("assignment_reminder")


def test_submitting_between_reminders_stops_the_second(everyone, assignment, theirs, outsider):
    sweep(WEEK_BEFORE)
    with time_machine.travel(WEEK_BEFORE, tick=False):
        submission = services.submission_for(assignment, theirs.organisation)
        services.upload(submission, pdf_upload(), by=outsider, now=WEEK_BEFORE)
        services.finalise(submission, by=outsider, now=WEEK_BEFORE)
    sweep(DAY_BEFORE)
    assert recipients("assignment_reminder").count(outsider.email) == 1


def test_an_extension_moves_that_organisation_s_reminders(
    everyone, assignment, theirs, contact, colleague, outsider
):
    extended = DUE + dt.timedelta(days=3)
    Submission.objects.create(
        assignment=assignment, organisation=theirs.organisation, extended_due_at=extended
    )
    sweep(WEEK_BEFORE)
    assert recipients("assignment_reminder") == emails_of(contact, colleague)
    sweep(extended - dt.timedelta(days=7))
    assert outsider.email in recipients("assignment_reminder")
    to_outsider = next(m for m in mails("assignment_reminder") if m.to == outsider.email)
    assert "14.3.2022" in to_outsider.subject


def test_no_reminder_after_the_due_date(everyone):
    assert sweep(DUE + dt.timedelta(seconds=1)) == 0


def test_no_reminder_for_a_pre_assignment_not_sent(everyone, assignment):
    assignment.sent_at = None
    assignment.save()
    assert sweep(WEEK_BEFORE) == 0
    assert sweep(DAY_BEFORE) == 0
