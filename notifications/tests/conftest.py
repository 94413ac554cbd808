import datetime as dt
from pathlib import Path

import pytest

from academy.models import Membership
from notifications import purposes, reminders
from notifications.models import OffsetDirection
from notifications.reminders import Recipient, ReminderRule

TEST_TEMPLATES = Path(__file__).parent / "templates"


@pytest.fixture(autouse=True)
def test_email_templates(settings):
    """The test purposes' templates, next to the shipped ones."""
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], TEST_TEMPLATES]}]
    for name in ("reminder_test", "fi_only"):
        purposes.register(purposes.Purpose(name, name, sample_context=dict))
    yield
    for name in ("reminder_test", "fi_only"):
        purposes.unregister(name)


@pytest.fixture(autouse=True)
def fresh_delivery_state(monkeypatch):
    """No test inherits another's paused broker or open mail connection."""
    from notifications import services

    monkeypatch.setattr(services, "_broker_paused_until", 0.0)
    services._close_connection()
    yield
    services._close_connection()


class KickoffReminder(ReminderRule):
    """A reminder to every active team member before the kick-off (for the tests)."""

    name = "kickoff_test"
    label = "Kick-off (test)"
    purpose = "reminder_test"
    default_offsets = ((3, OffsetDirection.BEFORE), (1, OffsetDirection.BEFORE))

    def __init__(self) -> None:
        self.cohort = None

    def objects(self, cohort, now):
        self.cohort = cohort
        return Membership.objects.filter(user__is_active=True).select_related(
            "user", "organisation"
        )

    def date(self, obj) -> dt.datetime:
        return self.cohort.kickoff_start

    def recipients(self, obj):
        return [Recipient(obj.user.email, obj.user)]

    def context(self, obj) -> dict:
        return {"organisation": obj.organisation.name, "date": self.cohort.kickoff_start}


@pytest.fixture
def kickoff_rule():
    rule = reminders.register(KickoffReminder())
    yield rule
    reminders.unregister(rule.name)
