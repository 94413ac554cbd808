"""An import whose reader is lost (its worker killed) is read again on its own, and one whose
message went missing is sent again; a reader that keeps being lost ends in a clear failure."""

import datetime as dt
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from plans.models import ImportState, LedgerImport
from plans.services import ledger
from plans.services import plan as plan_service
from plans.tests.test_ledger import COLUMNS, csv_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(ours, contact):
    """An import a worker began to read, as the killed worker left it."""
    plan = plan_service.plan_for(ours)
    made = ledger.start(plan, SimpleUploadedFile("ostot.csv", csv_bytes()), year=2021, by=contact)
    LedgerImport.objects.filter(pk=made.pk).update(
        columns=COLUMNS,
        state=ImportState.RUNNING,
        readings=1,
        touched_at=timezone.now(),
        rows_read=50_000,
    )
    made.refresh_from_db()
    return made


def test_a_reader_silent_past_the_limit_is_resumed_and_the_file_read(
    running, eager_celery, django_capture_on_commit_callbacks
):
    soon = running.touched_at + ledger.LOST_AFTER - dt.timedelta(seconds=1)
    assert ledger.resume_lost(soon) == 0
    later = running.touched_at + ledger.LOST_AFTER + dt.timedelta(seconds=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert ledger.resume_lost(later) == 1
    running.refresh_from_db()
    assert not running.is_working
    assert running.readings == 2
    assert str(running.total_eur) == "26000.50"
    assert running.rows_read == 5


def test_a_message_delivered_again_to_a_live_reader_does_nothing(running):
    ledger.run(running.pk)  # Celery's redelivery after the worker died, or a duplicate
    running.refresh_from_db()
    assert (running.state, running.readings, running.rows_read) == (ImportState.RUNNING, 1, 50_000)


def test_a_reader_lost_three_times_fails_with_a_reason(running):
    LedgerImport.objects.filter(pk=running.pk).update(readings=ledger.MAX_READINGS)
    ledger.resume_lost(timezone.now() + ledger.LOST_AFTER * 2)
    running.refresh_from_db()
    assert running.state == ImportState.FAILED
    with translation.override("en"):
        assert running.error_text.startswith("Reading the file stopped 3 times before it was done.")


def test_starting_again_by_hand_counts_the_readings_afresh(running):
    LedgerImport.objects.filter(pk=running.pk).update(
        state=ImportState.FAILED, readings=ledger.MAX_READINGS
    )
    running.refresh_from_db()
    assert ledger.choose_columns(running, COLUMNS, states=(ImportState.FAILED,))
    running.refresh_from_db()
    assert (running.state, running.readings) == (ImportState.QUEUED, 0)


def test_a_queued_import_whose_message_was_lost_is_sent_again(
    running, eager_celery, django_capture_on_commit_callbacks
):
    queued_at = timezone.now() - ledger.QUEUE_LOST_AFTER - dt.timedelta(seconds=1)
    LedgerImport.objects.filter(pk=running.pk).update(
        state=ImportState.QUEUED, touched_at=queued_at, readings=0
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert ledger.resume_lost() == 1
    running.refresh_from_db()
    assert not running.is_working
    assert running.readings == 1


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_marks_a_long_step_as_alive(running):
    before = running.touched_at
    with ledger.heartbeat(running.pk, every=0.05):
        time.sleep(0.4)  # a step that reports no progress, such as a workbook opening
    running.refresh_from_db()
    assert running.touched_at > before
    beaten = running.touched_at
    time.sleep(0.2)
    running.refresh_from_db()
    assert running.touched_at == beaten  # the heartbeat ends with the reading


def test_a_reader_taken_for_lost_saves_nothing_once_another_has_the_import(running):
    # Reading 1 went silent; the sweep gave the import to reading 2, which is under way.
    LedgerImport.objects.filter(pk=running.pk).update(readings=2, rows_read=7)
    ledger._run(running.pk, mine=1)  # the first reader comes back and finishes
    running.refresh_from_db()
    assert (running.state, running.readings, running.rows_read) == (ImportState.RUNNING, 2, 7)
    assert not running.totals.exists()


def test_a_failure_of_a_replaced_reader_does_not_fail_the_import(running, monkeypatch):
    LedgerImport.objects.filter(pk=running.pk).update(readings=2)

    def broken(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(ledger, "read_ledger", broken)
    ledger._run(running.pk, mine=1)
    running.refresh_from_db()
    assert running.state == ImportState.RUNNING


@pytest.mark.django_db(transaction=True)
def test_a_failed_heartbeat_is_logged_and_the_next_one_tried(running, monkeypatch, caplog):
    calls = []
    real = LedgerImport.objects.filter

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("the database went away for a moment")
        return real(*args, **kwargs)

    monkeypatch.setattr(LedgerImport.objects, "filter", flaky)
    with ledger.heartbeat(running.pk, every=0.05, reading=1):
        time.sleep(0.4)
    monkeypatch.undo()
    assert len(calls) > 2
    assert "a heartbeat failed" in caplog.text
    running.refresh_from_db()
    assert running.touched_at is not None
