"""How long purchase-ledger files are kept: LEDGER_FILES_KEEP_DAYS after their import was
read and put in use (or replaced by a later one). The file's bytes go; its name, size
and SHA-256 stay with the import, and so do the totals the analysis and the
reconciliation are made from. Imports still to be chosen, read, checked or retried
keep their files."""

import datetime as dt
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from academy.models import StoredFile
from academy.retention import register

from .models import ImportState, LedgerImport

READ = (ImportState.APPLIED, ImportState.REPLACED)


def files_read(now: dt.datetime) -> QuerySet:
    cutoff = now - dt.timedelta(days=settings.LEDGER_FILES_KEEP_DAYS)
    imports = LedgerImport.objects.filter(state__in=READ, finished_at__lt=cutoff)
    return StoredFile.objects.filter(pk__in=imports.values("file_id")).exclude(file="")


def remove_bytes(rows: QuerySet, now: dt.datetime) -> int:
    count = 0
    for stored in rows:
        StoredFile.objects.filter(pk=stored.pk).update(file="")
        # The bytes go once the row says so for good.
        transaction.on_commit(partial(stored.file.storage.delete, stored.file.name))
        count += 1
    return count


register(
    "ledger_files",
    _("Purchase-ledger files of imports in use or replaced, after the period kept, are deleted"),
    files_read,
    remove_bytes,
)
