"""Reminders to draft holders 3 days and 1 day before the close, none after submitting."""

import datetime as dt

import pytest
from django.core import mail

from academy.models import HELSINKI
from applications import services
from applications.models import ApplicationState
from notifications.models import OutgoingEmail, ReminderOffset
from notifications.reminders import sweep

from .factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(2022, 2, day, hour, minute, second, tzinfo=HELSINKI)


def reminded() -> list[tuple[str, str]]:
    return sorted(
        OutgoingEmail.objects.filter(purpose="application_draft_reminder").values_list("to", "key")
    )


def swept(now: dt.datetime) -> int:
    """How many draft reminders one sweep queues (other rules' reminders aside)."""
    drafts = OutgoingEmail.objects.filter(purpose="application_draft_reminder")
    before = drafts.count()
    sweep(now)
    return drafts.count() - before


@pytest.fixture
def holders(cohort):
    draft = ApplicationFactory(cohort=cohort, applicant__email="luonnos@example.fi")
    submitted = ApplicationFactory(cohort=cohort, applicant__email="lahetetty@example.fi")
    services.submit_application(submitted, by=submitted.applicant, now=at(1, 12))
    withdrawn = ApplicationFactory(cohort=cohort, applicant__email="peruttu@example.fi")
    services.withdraw_application(withdrawn, by=withdrawn.applicant, now=at(1, 12))
    return draft, submitted, withdrawn


def test_draft_holders_are_reminded_three_days_and_one_day_before(holders):
    assert swept(at(8, 23, 59, 58)) == 0
    assert swept(at(8, 23, 59, 59)) == 1
    assert swept(at(9, 12)) == 0
    assert swept(at(10, 23, 59, 59)) == 1
    assert swept(at(11, 23, 59, 59)) == 0
    assert swept(at(12, 0)) == 0
    keys = [key for to, key in reminded()]
    assert [to for to, key in reminded()] == ["luonnos@example.fi", "luonnos@example.fi"]
    assert any(":before-3d:" in key for key in keys)
    assert any(":before-1d:" in key for key in keys)


def test_the_reminder_names_the_deadline_and_the_link(holders, deliver_mail):
    draft = holders[0]
    with deliver_mail():
        sweep(at(10, 23, 59, 59))
    (message,) = [m for m in mail.outbox if m.to == ["luonnos@example.fi"]]
    assert message.to == ["luonnos@example.fi"]
    assert message.subject.startswith("Muistutus: hakemusta ei ole vielä jätetty")
    assert "11.2.2022 klo 23.59.59 (Helsingin aikaa, UTC+2)" in message.body
    assert f"/applications/{draft.public_id}/" in message.body


def test_submitting_stops_the_reminders(holders):
    draft = holders[0]
    sweep(at(8, 23, 59, 59))
    services.submit_application(draft, by=draft.applicant, now=at(9, 8))
    assert swept(at(10, 23, 59, 59)) == 0
    assert draft.__class__.objects.get(pk=draft.pk).state == ApplicationState.SUBMITTED


def test_an_extension_moves_the_reminders(holders):
    draft = holders[0]
    draft.deadline_extended_to = dt.datetime(2022, 2, 18, 16, 0, tzinfo=HELSINKI)
    draft.extension_reason = "Hallituksen kokous"
    draft.save()
    assert swept(at(10, 23, 59, 59)) == 0
    assert swept(at(17, 16, 0)) == 1


def test_a_cohort_starts_with_its_draft_reminder_times(cohort):
    offsets = ReminderOffset.objects.filter(cohort=cohort, rule="application_draft")
    assert sorted(offsets.values_list("days", "direction")) == [(1, "before"), (3, "before")]
