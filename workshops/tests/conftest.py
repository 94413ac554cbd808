from html.parser import HTMLParser

import pytest
import time_machine
from icalendar import Calendar

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


class _FormParser(HTMLParser):
    """What a browser posts from a page's forms, unchanged (all forms together)."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs) -> None:
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in {"submit", "checkbox", "radio"}:
            if attrs.get("type") != "file":
                self.data[name] = attrs.get("value") or ""
        elif tag == "input" and name and "checked" in attrs:
            self.data[name] = attrs.get("value") or "on"
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select] = attrs.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data) -> None:
        if self._textarea:
            self.data[self._textarea] += data.removeprefix("\n")


def posted_form(html: str) -> dict[str, str]:
    parser = _FormParser()
    parser.feed(html)
    return parser.data
