"""The day-before reminder of a session, to everyone invited who has not said they will not come."""

import pytest
from django.core import mail

from academy.tests.programme import helsinki
from notifications.models import OutgoingEmail, ReminderOffset
from notifications.reminders import sweep
from workshops import services
from workshops.models import Attendance

pytestmark = pytest.mark.django_db

DAY_BEFORE = helsinki(2022, 3, 15, 9, 0)  # the kick-off is 16.3.2022 at 9.00


def reminded() -> list[str]:
    return sorted(
        OutgoingEmail.objects.filter(purpose="session_reminder").values_list("to", flat=True)
    )


@pytest.fixture
def published(before_kickoff, kickoff, everyone):
    services.publish(kickoff)
    return kickoff


def test_a_new_cohort_has_the_day_before_reminder(cohort):
    offsets = ReminderOffset.objects.filter(cohort=cohort, rule="session_upcoming")
    assert list(offsets.values_list("days", "direction")) == [(1, "before")]


def test_the_day_before_everyone_invited_is_reminded_once(published):
    assert sweep(helsinki(2022, 3, 15, 8, 59)) == 0
    sweep(DAY_BEFORE)
    assert reminded() == [
        "kollega@esimerkkila.fi",
        "ulkopuolinen@toisenla.fi",
        "yhteys@esimerkkila.fi",
    ]
    sweep(DAY_BEFORE)
    sweep(helsinki(2022, 3, 16, 8, 59))
    assert len(reminded()) == 3


def test_nobody_is_reminded_once_the_session_has_started(published):
    sweep(helsinki(2022, 3, 16, 9, 0))
    assert reminded() == []


def test_someone_who_is_not_coming_is_not_reminded(published, contact, colleague):
    services.set_coming(published, contact.memberships.get().organisation_id, {contact.pk})
    assert dict(Attendance.objects.values_list("user__email", "coming"))[colleague.email] is False
    sweep(DAY_BEFORE)
    assert reminded() == ["ulkopuolinen@toisenla.fi", "yhteys@esimerkkila.fi"]


def test_a_cancelled_session_is_not_reminded(published):
    services.cancel(published)
    sweep(DAY_BEFORE)
    assert reminded() == []


def test_a_draft_session_is_not_reminded(before_kickoff, kickoff, everyone):
    services.sync_invitations(kickoff)
    sweep(DAY_BEFORE)
    assert reminded() == []


def test_a_moved_session_is_reminded_the_day_before_its_new_time(published):
    published.starts_at = helsinki(2022, 3, 18, 9, 0)
    published.ends_at = helsinki(2022, 3, 18, 11, 0)
    published.save()
    services.send_update(published)
    sweep(DAY_BEFORE)
    assert reminded() == []
    sweep(helsinki(2022, 3, 17, 9, 0))
    assert len(reminded()) == 3


def test_the_reminder_names_the_time_and_the_session_page(
    published, ours, contact, colleague, outsider, deliver_mail
):
    with deliver_mail():
        sweep(DAY_BEFORE)
    (message,) = [m for m in mail.outbox if m.to == [contact.email]]
    assert "Aloitustilaisuus" in message.subject
    assert "16.3.2022" in message.body
    assert f"/workspace/{ours.pk}/sessions/{published.pk}/" in message.body


def test_someone_removed_from_the_team_is_not_reminded(published, colleague):
    colleague.memberships.get().delete()
    sweep(DAY_BEFORE)
    assert reminded() == ["ulkopuolinen@toisenla.fi", "yhteys@esimerkkila.fi"]
