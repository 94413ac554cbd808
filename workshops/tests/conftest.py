"""Fixtures and helpers for the sessions' tests: the 2022 cohort two weeks before its kick-off."""

import pytest
import time_machine
from icalendar import Calendar

from academy.tests.forms import posted_form  # noqa: F401 - used by the tests through here
from academy.tests.programme import BEFORE_KICKOFF, SessionFactory
from academy.tests.programme_fixtures import (  # noqa: F401 - fixtures
    cohort,
    colleague,
    contact,
    nobody,
    ours,
    outsider,
    staff,
    theirs,
)
from notifications.models import OutgoingEmail


@pytest.fixture
def before_kickoff():
    """Two weeks before the kick-off (16.3.2022): everything in the cohort is still ahead."""
    with time_machine.travel(BEFORE_KICKOFF, tick=False) as traveller:
        yield traveller


@pytest.fixture
def everyone(contact, colleague, outsider):  # noqa: F811 - the fixtures above
    """Two people of ours and one of theirs: everyone a joint session invites."""
    return [contact, colleague, outsider]


@pytest.fixture
def kickoff(cohort):  # noqa: F811 - the fixture above
    return SessionFactory(cohort=cohort)


def mails(purpose: str) -> list[OutgoingEmail]:
    return list(OutgoingEmail.objects.filter(purpose=purpose).order_by("to"))


def recipients(purpose: str) -> list[str]:
    return [email.to for email in mails(purpose)]


def parse(text: str):
    """The calendar and its one event."""
    calendar = Calendar.from_ical(text)
    (event,) = calendar.walk("VEVENT")
    return calendar, event
