"""/healthz for load balancers, and the staff's status page with each check's threshold."""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.utils import timezone, translation
from django_celery_beat.models import PeriodicTask

from academy import health, tasks
from academy.cache import purge_expired
from academy.staff import INTERVIEWERS
from academy.tests.factories import UserFactory
from academy.tests.programme import staff_user
from academy.tests.programme_fixtures import cohort, contact, ours  # noqa: F401 - fixtures
from notifications.models import EmailState, OutgoingEmail
from plans.models import ImportState, LedgerImport
from plans.services import ledger
from plans.services import plan as plan_service
from plans.tests.test_ledger import csv_bytes

pytestmark = pytest.mark.django_db


def test_healthz_answers_any_host_over_plain_http(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["akatemia.example.fi"]
    response = client.get("/healthz", HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_healthz_fails_when_the_database_does_not_answer(client, monkeypatch):
    def broken():
        raise OperationalError("connection refused")

    monkeypatch.setattr(health.connection, "cursor", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "failing"


def status(client, language: str = "en") -> dict[str, tuple[str, str]]:
    response = client.get(f"/{language}/admin/status/")
    assert response.status_code == 200
    html = response.content.decode()
    rows = re.findall(
        r'<tr id="check-(\w+)" data-level="(\w+)">\s*<th scope="row">[^<]*</th>\s*<td>.*?</td>'
        r"\s*<td>([^<]*)</td>",
        html,
        re.S,
    )
    return {name: (level, found) for name, level, found in rows}


@pytest.fixture
def staff_client(client):
    client.force_login(staff_user())
    return client


def test_the_status_page_is_for_staff_who_follow_the_outbox(client):
    assert client.get("/en/admin/status/").status_code == 302
    interviewer = UserFactory(email="haastattelija@example.fi", is_staff=True)
    interviewer.groups.add(Group.objects.get(name=INTERVIEWERS))
    client.force_login(interviewer)
    assert client.get("/en/admin/status/").status_code == 403
    participant = UserFactory(email="osallistuja@example.fi")
    client.force_login(participant)
    assert client.get("/en/admin/status/").status_code == 302


def test_the_admin_home_links_to_the_status_page(staff_client):
    html = staff_client.get("/en/admin/").content.decode()
    assert 'href="/en/admin/status/"' in html


def test_every_check_is_shown_and_a_quiet_system_is_healthy(staff_client):
    tasks.heartbeat()
    found = status(staff_client)
    assert set(found) == {
        "database",
        "cache",
        "broker",
        "beat",
        "worker",
        "outbox_backlog",
        "outbox_failed",
        "ledger_imports",
    }
    assert {name: level for name, (level, _found) in found.items()} == dict.fromkeys(found, "ok")


def test_a_worker_without_a_heartbeat_is_failing(staff_client):
    caches["fallback"].delete(health.HEARTBEAT_KEY)
    assert status(staff_client)["worker"] == ("failing", "last heartbeat never")
    health.record_heartbeat(timezone.now() - dt.timedelta(minutes=4))
    assert status(staff_client)["worker"] == ("failing", "last heartbeat 4 min ago")
    tasks.heartbeat()
    assert status(staff_client)["worker"][0] == "ok"


def test_a_late_beat_task_is_named(staff_client):
    tasks.heartbeat()
    PeriodicTask.objects.filter(name="Resume lost ledger imports").update(
        last_run_at=timezone.now() - dt.timedelta(minutes=6)
    )
    level, found = status(staff_client)["beat"]
    assert level == "failing"
    assert found == "late: Resume lost ledger imports (6 min ago)"


def test_mail_waiting_too_long_is_failing_and_a_failed_mail_is_a_warning(staff_client):
    now = timezone.now()
    OutgoingEmail.objects.create(
        key="vanha",
        purpose="test_email",
        to="a@example.fi",
        language="fi",
        subject="s",
        state=EmailState.QUEUED,
        queued_at=now - dt.timedelta(minutes=20),
    )
    OutgoingEmail.objects.create(
        key="epaonnistunut",
        purpose="test_email",
        to="b@example.fi",
        language="fi",
        subject="s",
        state=EmailState.FAILED,
    )
    found = status(staff_client)
    assert found["outbox_backlog"] == ("failing", "1 due, the oldest queued 20 min ago")
    assert found["outbox_failed"] == ("warning", "1 failed in 7 days, 0 uncertain")


def test_an_import_without_a_reader_is_failing(
    staff_client,
    ours,  # noqa: F811 - the fixture imported above
    contact,  # noqa: F811 - the fixture imported above
):
    made = ledger.start(
        plan_service.plan_for(ours), SimpleUploadedFile("o.csv", csv_bytes()), year=2021, by=contact
    )
    LedgerImport.objects.filter(pk=made.pk).update(
        state=ImportState.RUNNING, touched_at=timezone.now() - dt.timedelta(minutes=5)
    )
    level, found = status(staff_client)["ledger_imports"]
    assert (level, found) == ("failing", "1 being read or waiting, 1 without a sign of progress")


def test_the_status_page_speaks_finnish(staff_client):
    tasks.heartbeat()
    with translation.override("fi"):
        html = staff_client.get("/admin/status/").content.decode()
    assert "Palvelun tila" in html


def test_a_task_written_down_late_by_beat_is_not_yet_late(staff_client):
    tasks.heartbeat()
    PeriodicTask.objects.filter(name="Resume lost ledger imports").update(
        last_run_at=timezone.now() - dt.timedelta(minutes=3)
    )
    assert status(staff_client)["beat"][0] == "ok"


def test_expired_rows_of_the_cache_fallback_are_purged():
    fallback = caches["fallback"]
    fallback.set("vanha", "x", 1)
    fallback.set("tuore", "y", 3600)
    assert purge_expired(timezone.now() + dt.timedelta(seconds=5)) == 1
    assert fallback.get("tuore") == "y"
