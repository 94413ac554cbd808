"""The outbox's part of the status page (academy.health): backlog, failures, doubt."""

import datetime as dt

from django.db.models import Count, Min, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from academy.health import Level, Result, age, register

from .models import EmailState, OutgoingEmail

# A mail due this long and not sent means the workers are not keeping up (or are gone).
BACKLOG_WARNING = dt.timedelta(minutes=5)
BACKLOG_FAILING = dt.timedelta(minutes=15)
FAILED_WITHIN = dt.timedelta(days=7)


def backlog(now: dt.datetime) -> Result:
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    found = OutgoingEmail.objects.filter(due, state=EmailState.QUEUED).aggregate(
        count=Count("pk"), oldest=Min("queued_at")
    )
    oldest = found["oldest"]
    waited = now - oldest if oldest else dt.timedelta(0)
    value = _("%(count)s due, the oldest queued %(age)s") % {
        "count": found["count"],
        "age": age(oldest, now) if oldest else "—",
    }
    threshold = _("none due for longer than %(minutes)s min") % {
        "minutes": int(BACKLOG_FAILING.total_seconds() // 60)
    }
    if waited > BACKLOG_FAILING:
        return Result(Level.FAILING, value, threshold)
    if waited > BACKLOG_WARNING:
        return Result(Level.WARNING, value, threshold)
    return Result(Level.OK, value, threshold)


def failed(now: dt.datetime) -> Result:
    count = OutgoingEmail.objects.filter(
        state=EmailState.FAILED, created_at__gte=now - FAILED_WITHIN
    ).count()
    uncertain = OutgoingEmail.objects.uncertain(now).count()
    value = _("%(failed)s failed in 7 days, %(uncertain)s uncertain") % {
        "failed": count,
        "uncertain": uncertain,
    }
    threshold = _("none: staff retry, resend or discard them in the outbox")
    return Result(Level.WARNING if count or uncertain else Level.OK, value, threshold)


register("outbox_backlog", gettext_lazy("E-mail waiting to be sent"), backlog)
register("outbox_failed", gettext_lazy("E-mail that failed"), failed)
