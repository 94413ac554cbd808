"""How long the outbox keeps the texts of e-mails: per cohort (``keep_mail_texts_days``),
and MAIL_TEXTS_KEEP_DAYS for mails of no cohort (sign-in codes, account mails). The
row stays: its key (so that nothing is sent twice), recipient, state and times."""

import datetime as dt

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from academy.models import Cohort
from academy.retention import register

from .models import EmailState, OutgoingEmail

DONE = (EmailState.SENT, EmailState.FAILED, EmailState.DISCARDED)


def old_texts(now: dt.datetime) -> QuerySet:
    older = Q(
        cohort__isnull=True, created_at__lt=now - dt.timedelta(days=settings.MAIL_TEXTS_KEEP_DAYS)
    )
    for cohort_id, days in Cohort.objects.values_list("pk", "keep_mail_texts_days"):
        older |= Q(cohort_id=cohort_id, created_at__lt=now - dt.timedelta(days=days))
    with_text = ~Q(body_text="") | ~Q(body_html="") | ~Q(calendar="")
    return OutgoingEmail.objects.filter(older, with_text, state__in=DONE)


def remove_texts(rows: QuerySet) -> int:
    return rows.update(body_text="", body_html="", calendar="")


register(
    "mail_texts",
    _("Texts of sent e-mails older than their cohort's period are removed"),
    old_texts,
    remove_texts,
)
