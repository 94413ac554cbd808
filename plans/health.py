"""The ledger import's part of the status page (academy.health): imports without a reader."""

import datetime as dt

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from academy.health import Level, Result, register

from .models import ImportState, LedgerImport
from .services.ledger import LOST_AFTER, QUEUE_LOST_AFTER

# The sweep reads a lost import again within LOST_AFTER and its own interval; one silent
# for three times that is not being looked after.
SILENT = LOST_AFTER * 3


def stale_imports(now: dt.datetime) -> Result:
    silent = LedgerImport.objects.filter(
        Q(state=ImportState.RUNNING, touched_at__lt=now - SILENT)
        | Q(state=ImportState.QUEUED, touched_at__lt=now - QUEUE_LOST_AFTER * 2)
    ).count()
    working = LedgerImport.objects.filter(
        state__in=[ImportState.QUEUED, ImportState.RUNNING]
    ).count()
    value = _("%(working)s being read or waiting, %(silent)s without a sign of progress") % {
        "working": working,
        "silent": silent,
    }
    threshold = _("none silent for longer than %(seconds)s s") % {
        "seconds": int(SILENT.total_seconds())
    }
    return Result(Level.FAILING if silent else Level.OK, value, threshold)


register("ledger_imports", gettext_lazy("Purchase-ledger imports"), stale_imports)
