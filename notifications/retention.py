"""How long the outbox keeps the texts of e-mails: per cohort (``keep_mail_texts_days``),
and MAIL_TEXTS_KEEP_DAYS for mails of no cohort (sign-in codes, account mails). The
row stays: its key (so that nothing is sent twice), recipient, state and times."""

import datetime as dt

from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from academy.links import absolute_url
from academy.models import Cohort, User
from academy.personal_data import ERASED_DOMAIN, erase
from academy.retention import register

from .models import EmailState, OutgoingEmail
from .services import queue_email

DONE = (EmailState.SENT, EmailState.FAILED, EmailState.DISCARDED)


def old_texts(now: dt.datetime) -> QuerySet:
    older = Q(
        cohort__isnull=True, created_at__lt=now - dt.timedelta(days=settings.MAIL_TEXTS_KEEP_DAYS)
    )
    for cohort_id, days in Cohort.objects.values_list("pk", "keep_mail_texts_days"):
        older |= Q(cohort_id=cohort_id, created_at__lt=now - dt.timedelta(days=days))
    with_text = ~Q(body_text="") | ~Q(body_html="") | ~Q(calendar="")
    return OutgoingEmail.objects.filter(older, with_text, state__in=DONE)


def remove_texts(rows: QuerySet, now: dt.datetime) -> int:
    return rows.update(body_text="", body_html="", calendar="")


register(
    "mail_texts",
    _("Texts of sent e-mails older than their cohort's period are removed"),
    old_texts,
    remove_texts,
)


# Unused accounts: told first, erased ACCOUNT_WARNING_DAYS later unless they signed in.


def _unused(now: dt.datetime) -> QuerySet:
    cutoff = now - dt.timedelta(days=settings.ACCOUNT_INACTIVE_DAYS)
    return (
        User.objects.filter(is_active=True, is_staff=False, is_superuser=False)
        .exclude(email__endswith=f"@{ERASED_DOMAIN}")
        .annotate(seen=Coalesce("last_login", "date_joined"))
        .filter(seen__lt=cutoff)
    )


def to_warn(now: dt.datetime) -> QuerySet:
    """Unused accounts not told since they were last used."""
    return _unused(now).filter(
        Q(inactivity_warned_at__isnull=True) | Q(inactivity_warned_at__lt=F("seen"))
    )


def warn(rows: QuerySet, now: dt.datetime) -> int:
    count = 0
    for person in rows:
        queue_email(
            "account_inactive",
            person.email,
            {
                "last_seen": person.seen,
                "erased_on": now + dt.timedelta(days=settings.ACCOUNT_WARNING_DAYS),
                "sign_in_url": absolute_url("account_login", language=person.preferred_language),
                "contact_email": settings.CONTACT_EMAIL,
            },
            key=f"account_inactive:{person.pk}:{person.seen:%Y%m%d%H%M%S}",
            recipient=person,
        )
        type(person).objects.filter(pk=person.pk).update(inactivity_warned_at=now)
        count += 1
    return count


def to_erase(now: dt.datetime) -> QuerySet:
    """Unused accounts told at least ACCOUNT_WARNING_DAYS ago and not used since."""
    told_before = now - dt.timedelta(days=settings.ACCOUNT_WARNING_DAYS)
    return _unused(now).filter(
        inactivity_warned_at__gt=F("seen"), inactivity_warned_at__lt=told_before
    )


def erase_unused(rows: QuerySet, now: dt.datetime) -> int:
    count = 0
    for person in rows:
        erase(person, by=None)
        count += 1
    return count


register(
    "unused_accounts_warned",
    _("Accounts unused for the period kept (ACCOUNT_INACTIVE_DAYS) are told they will be erased"),
    to_warn,
    warn,
)
register(
    "unused_accounts_erased",
    _("Accounts told of erasure and still unused after ACCOUNT_WARNING_DAYS are erased"),
    to_erase,
    erase_unused,
)
