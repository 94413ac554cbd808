"""The ledger import on real parts: a Celery worker process, Redis and PostgreSQL.

The import is queued by another process, as the web server would, and read by
a worker that shares the test database and the private files.
"""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

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
