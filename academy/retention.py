"""Personal data kept only as long as needed: retention rules, a report, and the sweep.

Each app registers its rules in its ``retention.py`` (found when Django starts). A
rule says what is due at a moment (``due(now)``: a queryset, so that it can be
counted for the report without acting) and what it does to those rows
(``act(rows, now)``). The periods are data: per cohort on the cohort
(``keep_unselected_months``, ``keep_mail_texts_days``) and, for what belongs to no
cohort, in settings. Beat runs ``sweep`` daily (``academy.retention_sweep``); staff
see the same report on the admin's *Retention* page before it acts.
"""

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rule:
    name: str
    label: object  # a lazy translation: what the rule does, for the report
    due: Callable[[dt.datetime], QuerySet]
    act: Callable[[QuerySet, dt.datetime], int]


RULES: dict[str, Rule] = {}


def register(name: str, label, due: Callable[[dt.datetime], QuerySet], act) -> None:
    RULES[name] = Rule(name, label, due, act)


@dataclass(frozen=True)
class Line:
    rule: str
    label: object
    count: int


def report(now: dt.datetime) -> list[Line]:
    """What a sweep at ``now`` would do, rule by rule; nothing is changed."""
    return [Line(rule.name, rule.label, rule.due(now).count()) for rule in RULES.values()]


def sweep(now: dt.datetime) -> list[Line]:
    """Carry out every rule that has something due; each in its own transaction."""
    done = []
    for rule in RULES.values():
        with transaction.atomic():
            count = rule.act(rule.due(now), now)
        if count:
            log.info("Retention %s: %s rows", rule.name, count)
        done.append(Line(rule.name, rule.label, count))
    return done


def months_before(moment: dt.datetime, months: int) -> dt.datetime:
    """The same day and time ``months`` calendar months earlier (the month's last day
    where it is shorter: 31 August less six months is 28 or 29 February)."""
    import calendar

    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


# The audit log itself is kept for AUDIT_LOG_KEEP_DAYS.


def _old_audit_records(now: dt.datetime) -> QuerySet:
    from django.conf import settings

    from .models import AuditRecord

    return AuditRecord.objects.filter(at__lt=now - dt.timedelta(days=settings.AUDIT_LOG_KEEP_DAYS))


def _delete(rows: QuerySet, now: dt.datetime) -> int:
    return rows.delete()[0]


register(
    "audit_log",
    _("Audit log records older than the period kept (AUDIT_LOG_KEEP_DAYS) are deleted"),
    _old_audit_records,
    _delete,
)
