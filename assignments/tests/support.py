"""The pre-assignment's test data: a sent assignment of the 2022 cohort, and helpers.

The assignment is due 11.3.2022 16.00 Helsinki time and was sent on 1.3.2022;
tests travel to a moment of their own (BEFORE_DUE unless they say otherwise).
The page is read in English (/en/), the default being Finnish.
"""

import datetime as dt
import re
from pathlib import Path

import pytest
import time_machine
from django.conf import settings

from academy.tests.programme import PDF, AssignmentFactory, helsinki, pdf_upload
from notifications.models import OutgoingEmail

SENT = helsinki(2022, 3, 1, 9, 0)
BEFORE_DUE = helsinki(2022, 3, 4, 10, 0)
DUE = helsinki(2022, 3, 11, 16, 0)
AFTER_DUE = DUE + dt.timedelta(hours=1)


@pytest.fixture
def assignment(cohort):
    return AssignmentFactory(cohort=cohort, sent_at=SENT)


@pytest.fixture
def url(ours, assignment):
    """The pre-assignment page of ours, in English."""
    return f"/en/workspace/{ours.pk}/pre-assignment/"


@pytest.fixture
def signed_in(client, contact):
    client.force_login(contact)
    return client


def post(client, url, when, **data):
    with time_machine.travel(when, tick=False):
        return client.post(url, data)


def get(client, url, when=BEFORE_DUE) -> str:
    with time_machine.travel(when, tick=False):
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def upload(client, url, name="Vastaus.pdf", when=BEFORE_DUE, content=PDF, **extra):
    return post(client, url, when, action="upload", file=pdf_upload(name, content), **extra)


def file_error(html: str) -> str:
    """The text of the error shown with the upload form's file field, or ''."""
    found = re.search(r'<div id="id_file_error"[^>]*>(.*?)</div>', html, re.S)
    return re.sub(r"<[^>]+>", "", found.group(1)).strip() if found else ""


def private_files() -> list[Path]:
    """Every file under the private media root (the test's own tmp folder)."""
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def mails(purpose: str) -> list[OutgoingEmail]:
    return list(OutgoingEmail.objects.filter(purpose=purpose).order_by("to"))


def recipients(purpose: str) -> list[str]:
    return [email.to for email in mails(purpose)]
