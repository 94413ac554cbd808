"""The ledger import on real parts: a Celery worker process, Redis and PostgreSQL.

The import is queued by another process, as the web server would, and read by
a worker that shares the test database and the private files.
"""

import datetime as dt
import io
import os
import signal
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from openpyxl import Workbook

from notifications.tests.test_end_to_end import (  # noqa: F401 - fixtures
    django_script,
    env,
    redis,
    sink,
    wait_until,
    workers,
)
from plans.models import AccountMapping, ImportState, LedgerImport
from plans.services import ledger
from plans.services import plan as plan_service
from plans.tests.test_ledger import COLUMNS, csv_bytes

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="worker processes need a shared PostgreSQL"
    ),
]


@pytest.fixture
def shared_files(monkeypatch):
    """The worker reads the uploads where this test keeps them (asked for before ``env``)."""
    monkeypatch.setenv("PRIVATE_MEDIA_ROOT", str(settings.PRIVATE_MEDIA_ROOT))


def test_a_worker_reads_a_queued_ledger_and_puts_it_in_use(
    shared_files,
    ours,
    contact,
    env,  # noqa: F811 - the fixture imported above
    workers,  # noqa: F811 - the fixture imported above
):
    plan = plan_service.plan_for(ours)
    made = ledger.start(plan, SimpleUploadedFile("ostot.csv", csv_bytes()), year=2021, by=contact)
    LedgerImport.objects.filter(pk=made.pk).update(columns=COLUMNS, state=ImportState.QUEUED)
    django_script(env, f"from plans.tasks import import_ledger\nimport_ledger.delay({made.pk})")
    workers()

    def finished() -> bool:
        made.refresh_from_db()
        return not made.is_working

    wait_until(finished, what="the worker to read the ledger")
    assert (made.state, made.rows_bad, made.error_text) == (ImportState.APPLIED, 0, "")
    assert str(made.total_eur) == "26000.50"
    assert dict(made.totals.values_list("account", "rows")) == {"4570": 2, "4440": 2, "4999": 1}
    assert AccountMapping.objects.filter(organisation=ours.organisation).count() == 3


def big_workbook(rows: int) -> bytes:
    """A workbook a worker takes a few seconds to read: rows of 12.50 on three accounts.

    Written as Excel writes it, its size declared before its rows (openpyxl's write-only
    mode does not declare it, and such a workbook is refused)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Ostot"
    sheet.append(["Tili", "Tilin nimi", "Summa", "Tositepäivä"])
    names = {"4570": "Lämmitys", "4440": "Siivouspalvelut", "4999": "Muut"}
    accounts = list(names)
    for n in range(rows):
        account = accounts[n % 3]
        sheet.append([account, names[account], 12.5, dt.date(2021, 1 + n % 12, 15)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_import_whose_worker_is_killed_is_read_again_by_another(
    shared_files,
    ours,
    contact,
    env,  # noqa: F811 - the fixture imported above
    workers,  # noqa: F811 - the fixture imported above
):
    rows = 150_000
    plan = plan_service.plan_for(ours)
    made = ledger.start(
        plan, SimpleUploadedFile("ostot.xlsx", big_workbook(rows)), year=2021, by=contact
    )
    LedgerImport.objects.filter(pk=made.pk).update(
        columns={"account": "Tili", "account_name": "Tilin nimi", "amount": "Summa"},
        state=ImportState.QUEUED,
    )
    django_script(env, f"from plans.tasks import import_ledger\nimport_ledger.delay({made.pk})")
    first = workers()

    def reading() -> bool:
        made.refresh_from_db()
        return made.state == ImportState.RUNNING and made.rows_read > 0

    wait_until(reading, what="the first worker to be reading")
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(30)
    made.refresh_from_db()
    assert made.state == ImportState.RUNNING  # as the lost reader left it
    workers()
    # The sweep, once the reader has been silent for longer than a reader may be.
    django_script(
        env,
        "import datetime as dt\nfrom django.utils import timezone\n"
        "from plans.services import ledger\n"
        "ledger.resume_lost(timezone.now() + ledger.LOST_AFTER + dt.timedelta(seconds=1))",
    )

    def finished() -> bool:
        made.refresh_from_db()
        return not made.is_working

    wait_until(finished, seconds=120, what="the second worker to read the ledger")
    assert made.state in {ImportState.APPLIED, ImportState.REVIEW}, made.error_text
    assert made.readings == 2
    assert (made.rows_read, made.rows_bad) == (rows, 0)
    assert made.total_eur == Decimal("12.5") * rows
