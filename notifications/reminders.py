"""Reminders: rules that each app registers, and the sweep that sends what is due.

A rule names the objects it may remind about (already filtered: nothing
withdrawn, cancelled or done), each object's date, and who gets the reminder.
A cohort's reminder times (ReminderOffset rows, editable in the admin) say how
long before or after that date the reminder goes. The sweep runs every few
minutes and sends what is due *now*, so a moved date moves its reminders and a
worker that was down catches up (with the latest reminder due, not all of them).
Each reminder's outbox key is unique, so a second sweep, or two at once, sends
nothing twice.
"""

import datetime as dt
import hashlib
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import models, transaction
from django.utils import timezone
from django.utils.functional import Promise

from academy.models import HELSINKI, Cohort

from .models import EmailState, OffsetDirection, OutgoingEmail, ReminderOffset
from .services import build_email, enqueue_after_commit

log = logging.getLogger(__name__)

Reminded = TypeVar("Reminded", bound=models.Model)

CHUNK = 500


@dataclass(frozen=True)
class Recipient:
    email: str
    user: models.Model | None = None


class ReminderRule(Generic[Reminded]):
    """Subclass and register. The subclass says what, when and to whom, about objects
    of the model it is parametrised with (``ReminderRule[Application]``)."""

    name: str
    label: str | Promise
    purpose: str
    default_offsets: tuple[tuple[int, str], ...] = ((1, OffsetDirection.BEFORE),)

    def objects(self, cohort: Cohort, now: dt.datetime) -> Iterable[Reminded]:
        """The cohort's objects that may still need this reminder at ``now``, loaded for use."""
        raise NotImplementedError

    def date(self, obj: Reminded) -> dt.datetime:
        raise NotImplementedError

    def recipients(self, obj: Reminded) -> Iterable[Recipient]:
        raise NotImplementedError

    def context(self, obj: Reminded) -> dict:
        """Plain data for the template (see notifications.rendering): no model instances."""
        return {}


_rules: dict[str, ReminderRule[Any]] = {}

Rule = TypeVar("Rule", bound=ReminderRule[Any])


def register(rule: Rule) -> Rule:
    _rules[rule.name] = rule
    return rule


def unregister(name: str) -> None:
    _rules.pop(name, None)


def rules() -> dict[str, ReminderRule[Any]]:
    return dict(_rules)


def create_default_offsets(cohort: Cohort) -> None:
    ReminderOffset.objects.bulk_create(
        [
            ReminderOffset(cohort=cohort, rule=rule.name, days=days, direction=direction)
            for rule in _rules.values()
            for days, direction in rule.default_offsets
        ],
        ignore_conflicts=True,
    )


def is_due(date: dt.datetime, offset: ReminderOffset, now: dt.datetime) -> bool:
    """Due from date + offset on; a reminder *before* a date is pointless once it has passed.

    Days are counted on the Helsinki clock: "1 day before" 9.00 is 9.00 the day
    before, also across a change to or from daylight saving time.
    """
    if now < date.astimezone(HELSINKI) + offset.delta:
        return False
    return offset.direction == OffsetDirection.AFTER or now < date


def reminder_key(
    rule: ReminderRule, obj: models.Model, offset: ReminderOffset, date: dt.datetime, to: str
) -> str:
    # The day of the date is part of the key: moved to another day, the date
    # gets its reminders again, now naming the new day. The address is hashed
    # to keep the key short whatever its length.
    day = date.astimezone(HELSINKI).date().isoformat()
    target = f"{obj._meta.label_lower}.{obj.pk}"
    recipient = hashlib.sha256(to.lower().encode()).hexdigest()[:16]
    return f"reminder:{rule.name}:{target}:{offset.slug}:{day}:{recipient}"


@dataclass(frozen=True)
class Due:
    rule: ReminderRule
    obj: models.Model
    offset: ReminderOffset
    date: dt.datetime
    recipient: Recipient
    cohort: Cohort

    @property
    def key(self) -> str:
        return reminder_key(self.rule, self.obj, self.offset, self.date, self.recipient.email)


def due_reminders(now: dt.datetime) -> Iterator[Due]:
    offsets = ReminderOffset.objects.select_related("cohort").filter(rule__in=list(_rules))
    by_cohort_rule: dict[tuple[int, str], list[ReminderOffset]] = {}
    for offset in offsets:
        by_cohort_rule.setdefault((offset.cohort_id, offset.rule), []).append(offset)
    for (_cohort_id, rule_name), cohort_offsets in by_cohort_rule.items():
        rule, cohort = _rules[rule_name], cohort_offsets[0].cohort
        for obj in rule.objects(cohort, now):
            date = rule.date(obj)
            due = [offset for offset in cohort_offsets if is_due(date, offset, now)]
            if not due:
                continue
            # After downtime several may be due: only the latest one still says
            # something ("tomorrow" makes "in three days" pointless).
            offset = max(due, key=lambda o: o.delta)
            for recipient in rule.recipients(obj):
                yield Due(rule, obj, offset, date, recipient, cohort)


def sweep(now: dt.datetime | None = None) -> int:
    """Queue every reminder due now that has not been queued before. Returns how many."""
    now = now or timezone.now()
    created = 0
    templates: dict = {}
    batch: list[Due] = []
    for due in due_reminders(now):
        batch.append(due)
        if len(batch) == CHUNK:
            created += _queue_batch(batch, templates)
            batch = []
    return created + _queue_batch(batch, templates)


def _queue_batch(batch: list[Due], templates: dict) -> int:
    if not batch:
        return 0
    keys = [due.key for due in batch]
    done = set(OutgoingEmail.objects.filter(key__in=keys).values_list("key", flat=True))
    emails = [email for due in batch if due.key not in done and (email := _build(due, templates))]
    with transaction.atomic():
        # A concurrent sweep may have stored some of these keys meanwhile: the
        # unique key keeps one row each, and delivery claims each row once.
        OutgoingEmail.objects.bulk_create(emails, ignore_conflicts=True)
        ids = list(
            OutgoingEmail.objects.filter(
                key__in=[email.key for email in emails], state=EmailState.QUEUED
            ).values_list("pk", flat=True)
        )
        enqueue_after_commit(ids)
    return len(emails)


def _build(due: Due, templates: dict) -> OutgoingEmail | None:
    try:
        email = build_email(
            due.rule.purpose,
            due.recipient.email,
            due.rule.context(due.obj),
            due.key,
            recipient=due.recipient.user,
            cache=templates,
        )
    except Exception:
        # One reminder that cannot be made must not hold back all the others;
        # the next sweep tries it again, and the log says why it failed.
        log.exception("Reminder %s could not be rendered.", due.key)
        return None
    email.cohort = due.cohort
    email.about = due.obj
    return email
