"""Reading a ledger within bounds of memory and time: past either, the import fails with
a message for the team, and the worker goes on."""

import io
import os
import sys
import zipfile

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from academy.limits import memory_limit
from plans import tasks
from plans.models import ImportState, LedgerImport
from plans.services import ledger

from .test_ledger import csv_bytes, ledger_url, upload

pytestmark = pytest.mark.django_db

linux_only = pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_AS is Linux's")


@linux_only
def test_memory_beyond_the_limit_is_a_memory_error_and_the_limit_goes_away_after():
    with pytest.raises(MemoryError), memory_limit(64 * 1024**2):
        bytearray(512 * 1024**2)
    # The earlier limit is back: the same allocation succeeds.
    assert len(bytearray(512 * 1024**2)) == 512 * 1024**2


def queued(member, ours) -> LedgerImport:
    upload(member, ours, csv_bytes())
    made = LedgerImport.objects.get()
    LedgerImport.objects.filter(pk=made.pk).update(state=ImportState.QUEUED)
    return made


@linux_only
def test_an_import_that_needs_more_memory_than_allowed_fails_with_a_message(
    member, ours, settings, monkeypatch
):
    made = queued(member, ours)
    settings.LEDGER_MEMORY_LIMIT_MB = 32
    real = ledger.read_ledger

    def greedy(*args, **kwargs):
        bytearray(256 * 1024**2)  # as a workbook's shared strings would
        return real(*args, **kwargs)

    monkeypatch.setattr(ledger, "read_ledger", greedy)
    ledger.run(made.pk)
    made.refresh_from_db()
    assert made.state == ImportState.FAILED
    assert made.error == ledger.TOO_BIG_TO_READ
    page = member.get(ledger_url(ours, f"{made.pk}/")).content.decode()
    assert "needs more memory to read than one import may take" in page


def test_an_import_that_runs_out_of_time_fails_with_a_message(member, ours, monkeypatch):
    made = queued(member, ours)

    def slow(*args, **kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(ledger, "read_ledger", slow)
    ledger.run(made.pk)
    made.refresh_from_db()
    assert made.state == ImportState.FAILED
    assert made.error == ledger.TOO_SLOW_TO_READ


def test_the_import_task_stops_itself_before_the_hard_limit_of_every_task():
    assert tasks.import_ledger.soft_time_limit == settings.LEDGER_TIME_LIMIT_SECONDS
    assert settings.LEDGER_TIME_LIMIT_SECONDS < settings.CELERY_TASK_TIME_LIMIT


def test_the_column_page_reads_only_the_first_lines_of_a_file_of_blank_lines(member, ours):
    import time

    content = b"Tili;Summa\n" + b";\n" * 3_000_000 + b"4000;12\n"
    upload(member, ours, content)
    made = LedgerImport.objects.get()
    started = time.monotonic()
    page = member.get(ledger_url(ours, f"{made.pk}/columns/"))
    assert page.status_code == 200
    assert page.context["preview"] == []
    assert time.monotonic() - started < 5


@linux_only
def test_a_header_that_needs_too_much_memory_is_refused_on_the_request(member, ours, monkeypatch):
    monkeypatch.setattr(ledger, "REQUEST_MEMORY", 16 * 1024**2)
    real = ledger.open_table

    def greedy(binary):
        bytearray(128 * 1024**2)  # as a header row of millions of cells would
        return real(binary)

    monkeypatch.setattr(ledger, "open_table", greedy)
    response = upload(member, ours, csv_bytes())
    assert response.status_code == 200
    assert "needs more memory to read" in response.content.decode()
    assert not LedgerImport.objects.exists()


def test_the_retention_sweep_removes_a_ledger_file_in_use_and_keeps_its_totals(member, ours):
    import datetime as dt

    from django.utils import timezone

    from academy import retention
    from academy.models import StoredFile

    from .test_ledger import import_file

    with member.run_tasks():
        made = import_file(member, ours, csv_bytes())
    made.refresh_from_db()
    assert made.state == ImportState.APPLIED
    stored = made.file
    path = stored.file.path
    totals = made.totals.count()
    later = timezone.now() + dt.timedelta(days=31)
    lines = {line.rule: line.count for line in retention.report(later)}
    assert lines["ledger_files"] == 1
    assert {line.rule: line.count for line in retention.report(timezone.now())}["ledger_files"] == 0
    with member.run_tasks():
        retention.sweep(later)
    stored = StoredFile.objects.get(pk=stored.pk)
    assert not stored.file
    assert (stored.original_name, stored.sha256) == (made.file.original_name, made.file.sha256)
    assert not os.path.exists(path)
    made.refresh_from_db()
    assert made.totals.count() == totals
    # The reconciliation still names the file and adds up.
    response = member.get(ledger_url(ours, f"{made.pk}/totals.csv"))
    assert response.status_code == 200
    assert made.file.original_name in response.content.decode("utf-8-sig")
    # The person's copy lists the file but does not pack it.
    copy = member.get("/en/profile/data/download/")
    with zipfile.ZipFile(io.BytesIO(b"".join(copy.streaming_content))) as bundle:
        assert bundle.namelist() == ["data.json"]
        assert made.file.original_name in bundle.read("data.json").decode()
