"""Queueing, delivering and managing e-mail. The only way the project sends mail."""

import contextlib
import datetime as dt
import logging
import smtplib
import time

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, models, transaction
from django.dispatch import Signal
from django.utils import timezone

from .models import EmailState, OutgoingEmail, OutgoingEmailQuerySet
from .rendering import render_email

log = logging.getLogger(__name__)

# Sent once a mail has been handed to the mail server, with ``email``: what
# another app does when its mail has gone out (e.g. a decision counts as told).
email_sent = Signal()

MAX_ATTEMPTS = 6
# What is left of a mail that carried a sign-in code or a password link once it has gone.
SCRUBBED = "(Removed after sending: the message contained a sign-in code or link.)"
# Seconds to wait before attempt 2, 3, ...: doubling, from one minute to about half an hour.
BACKOFF_BASE = 60
# A queued row whose delivery was never picked up (the broker was down) is
# enqueued again by the sweep once it has waited this long.
STALE_QUEUED_AFTER = dt.timedelta(minutes=5)


def is_transient(error: Exception) -> bool:
    """Worth another try later: the network, a timeout, or a 4xx answer from the server.

    A 5xx answer (an address or a message the server refuses) is final.
    """
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    return isinstance(error, smtplib.SMTPServerDisconnected | OSError)


def queue_email(
    purpose: str,
    to: str,
    context: dict,
    key: str,
    *,
    recipient=None,
    language: str | None = None,
    review: bool = False,
    about: models.Model | None = None,
    cohort=None,
    calendar: str = "",
    sensitive: bool = False,
) -> OutgoingEmail:
    """Render and store an e-mail, and deliver it once the transaction commits.

    The same key again returns the existing row and sends nothing more. With
    ``review`` the row waits as a draft until staff send it.
    """
    existing = OutgoingEmail.objects.filter(key=key).first()
    if existing is not None:
        return existing
    email = build_email(purpose, to, context, key, recipient=recipient, language=language)
    email.state = EmailState.DRAFT if review else EmailState.QUEUED
    email.cohort = cohort
    email.calendar = calendar
    email.sensitive = sensitive
    if about is not None:
        email.about = about
    return store_once(email)


def store_once(email: OutgoingEmail) -> OutgoingEmail:
    """Save a new row, or return the one already stored under its key; queued rows go out."""
    try:
        with transaction.atomic():
            email.save()
    except IntegrityError:
        # Another process stored the same key between our look-up and our insert.
        return OutgoingEmail.objects.get(key=email.key)
    if email.state == EmailState.QUEUED:
        enqueue_after_commit([email.pk])
    return email


def queue_rendered(
    *,
    purpose: str,
    to: str,
    subject: str,
    body_text: str,
    body_html: str,
    key: str,
    recipient=None,
    language: str,
    sensitive: bool = False,
) -> OutgoingEmail:
    """Queue a mail another library has already rendered (allauth's account mails)."""
    now = timezone.now()
    email = OutgoingEmail(
        key=key,
        purpose=purpose,
        to=to,
        recipient=recipient,
        language=language,
        subject=" ".join(subject.split())[:255],
        body_text=body_text,
        body_html=body_html,
        queued_at=now,
        next_attempt_at=now,
        sensitive=sensitive,
    )
    return store_once(email)


def build_email(
    purpose: str,
    to: str,
    context: dict,
    key: str,
    *,
    recipient=None,
    language: str | None = None,
    cache: dict | None = None,
) -> OutgoingEmail:
    """An unsaved outbox row, rendered in the recipient's language (or Finnish)."""
    wanted = language or getattr(recipient, "preferred_language", None) or settings.LANGUAGE_CODE
    person = {"name": recipient.name, "email": recipient.email} if recipient else None
    rendered = render_email(purpose, wanted, {"recipient": person, **context}, cache)
    now = timezone.now()
    return OutgoingEmail(
        key=key,
        purpose=purpose,
        to=to,
        recipient=recipient,
        language=rendered.language,
        subject=rendered.subject[:255],
        body_text=rendered.body_text,
        body_html=rendered.body_html,
        queued_at=now,
        next_attempt_at=now,
    )


def enqueue_after_commit(ids: list[int]) -> None:
    """Hand the rows to the workers once the rows are visible to them."""
    if ids:
        transaction.on_commit(lambda: enqueue(ids))


# After a failed enqueue this process leaves the broker alone for a while: the
# rows stay queued and the sweep enqueues them, so a request that queues many
# mails waits for at most one failed connection attempt, not one per mail.
BROKER_PAUSE_SECONDS = 30
_broker_paused_until = 0.0


# Mails queued together are delivered by tasks of up to this many, which saves
# a task and a look-up per mail; each mail is still claimed on its own.
BATCH = 25


def enqueue(ids: list[int]) -> None:
    global _broker_paused_until
    from .tasks import deliver_emails

    if time.monotonic() < _broker_paused_until:
        log.warning("Broker unavailable: %d e-mails left for the sweep.", len(ids))
        return
    for start in range(0, len(ids), BATCH):
        try:
            deliver_emails.apply_async((ids[start : start + BATCH],), retry=False)
        except Exception:  # noqa: BLE001 - any broker failure is survivable
            _broker_paused_until = time.monotonic() + BROKER_PAUSE_SECONDS
            log.warning("Could not enqueue %d e-mails; the sweep will retry.", len(ids) - start)
            return


def claim(email_id: int) -> bool:
    """Move a queued row that is due to sending. Only one caller ever wins for one row.

    A row waiting out its backoff is not due: a stray early message leaves it
    alone, and its own retry (or the sweep) sends it when the time comes.
    """
    now = timezone.now()
    due = models.Q(next_attempt_at__isnull=True) | models.Q(next_attempt_at__lte=now)
    return bool(
        OutgoingEmail.objects.filter(due, pk=email_id, state=EmailState.QUEUED).update(
            state=EmailState.SENDING, claimed_at=now, attempts=models.F("attempts") + 1
        )
    )


def deliver_many(ids: list[int]) -> None:
    """Deliver several rows, claiming each just before sending it.

    Claiming one at a time means a worker that dies leaves at most the one mail
    it was sending in doubt; the rest stay queued for the sweep.
    """
    from .tasks import deliver_email

    emails = OutgoingEmail.objects.filter(pk__in=ids, state=EmailState.QUEUED).order_by("pk")
    for email in emails:
        delay = deliver(email.pk, loaded=email)
        if delay is not None:
            with contextlib.suppress(Exception):  # the sweep covers a lost retry
                deliver_email.apply_async((email.pk,), countdown=delay, retry=False)


def deliver(email_id: int, loaded: OutgoingEmail | None = None) -> float | None:
    """Send one row if we win its claim. Returns seconds to wait before a retry, or None."""
    if not claim(email_id):
        return None
    if loaded is None:
        email = OutgoingEmail.objects.get(pk=email_id)
    else:
        email = loaded
        email.attempts += 1  # as the claim counted it in the database
    try:
        accepted = send_message(email)
    except Exception as error:  # noqa: BLE001 - every failure is recorded on the row
        if is_transient(error):
            return _transient_failure(email, error)
        _mark(email, EmailState.FAILED, last_error=_describe(error))
        return None
    if not accepted:
        _mark(email, EmailState.FAILED, last_error="The mail server accepted no recipient.")
        return None
    scrubbed = {"body_text": SCRUBBED, "body_html": ""} if email.sensitive else {}
    sent_at = timezone.now()
    _mark(email, EmailState.SENT, sent_at=sent_at, last_error="", **scrubbed)
    email.sent_at = sent_at
    for receiver, outcome in email_sent.send_robust(sender=OutgoingEmail, email=email):
        if isinstance(outcome, Exception):
            # The mail has gone: a listener's failure must not make it look unsent.
            log.error("After sending %s, %r failed: %r", email.key, receiver, outcome)
    return None


def _transient_failure(email: OutgoingEmail, error: Exception) -> float | None:
    if email.attempts >= MAX_ATTEMPTS:
        _mark(email, EmailState.FAILED, last_error=_describe(error))
        return None
    delay = BACKOFF_BASE * 2 ** (email.attempts - 1)
    _mark(
        email,
        EmailState.QUEUED,
        last_error=_describe(error),
        next_attempt_at=timezone.now() + dt.timedelta(seconds=delay),
    )
    return delay


def _mark(email: OutgoingEmail, state: str, **fields) -> None:
    OutgoingEmail.objects.filter(pk=email.pk, state=EmailState.SENDING).update(
        state=state, **fields
    )


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


# Each worker process keeps its connection to the mail server open between
# mails, instead of a new connection, greeting and goodbye for every one.
# (Celery's prefork pool: one process, one thread, one connection.)
_connection = None
_last_used = 0.0
# A connection idle this long is checked with NOOP before it carries a mail:
# servers drop idle clients, and a mail must not be the way to find out.
IDLE_CHECK_SECONDS = 10


def send_message(email: OutgoingEmail) -> int:
    """Send over this process's connection. Returns how many messages the server took."""
    global _last_used
    connection = _open_connection()
    try:
        accepted = as_message(email, connection).send()
    except Exception:
        _close_connection()
        raise
    _last_used = time.monotonic()
    return accepted


def _open_connection():
    global _connection
    idle = time.monotonic() - _last_used > IDLE_CHECK_SECONDS
    if _connection is not None and idle and not _still_open(_connection):
        _close_connection()
    if _connection is None:
        connection = get_connection()
        connection.open()
        _connection = connection
    return _connection


def _still_open(connection) -> bool:
    smtp = getattr(connection, "connection", None)
    if smtp is None:  # not an SMTP backend (console, file, tests)
        return True
    try:
        return smtp.noop()[0] == 250
    except (smtplib.SMTPException, OSError):
        return False


def _close_connection() -> None:
    global _connection
    if _connection is not None:
        # The connection is being thrown away: how its goodbye went does not matter.
        with contextlib.suppress(Exception):
            _connection.close()
    _connection = None


def as_message(email: OutgoingEmail, connection=None) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        to=[email.to],
        headers={
            "X-Academy-Email-Key": email.key,
            # Out-of-office replies should not answer programme mail.
            "Auto-Submitted": "auto-generated",
        },
        connection=connection or get_connection(),
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    if email.calendar:
        # As an alternative part, which Outlook and Gmail show as an invitation to
        # answer, and as an .ics file for programs that only take attachments.
        method = calendar_method(email.calendar)
        message.attach_alternative(email.calendar, f"text/calendar; method={method}")
        message.attach("invite.ics", email.calendar, "application/ics")
    return message


def calendar_method(calendar: str) -> str:
    """The METHOD of an iCalendar text: REQUEST, CANCEL, ..."""
    for line in calendar.splitlines():
        if line.startswith("METHOD:"):
            return line.split(":", 1)[1].strip()
    return "PUBLISH"


def requeue_stale(now: dt.datetime | None = None) -> int:
    """Enqueue again the queued rows whose delivery nobody picked up."""
    now = now or timezone.now()
    ids = list(
        OutgoingEmail.objects.filter(
            state=EmailState.QUEUED, next_attempt_at__lte=now - STALE_QUEUED_AFTER
        ).values_list("pk", flat=True)[:5000]
    )
    # Enqueued now: the sweep leaves these rows alone for another while, and
    # they are due for a worker at once.
    OutgoingEmail.objects.filter(pk__in=ids).update(next_attempt_at=timezone.now())
    enqueue_after_commit(ids)
    return len(ids)


def send_drafts(emails: OutgoingEmailQuerySet) -> int:
    return _requeue(emails.filter(state=EmailState.DRAFT))


def retry_failed(emails: OutgoingEmailQuerySet) -> int:
    return _requeue(emails.filter(state=EmailState.FAILED), reset_attempts=True)


def resend_uncertain(emails: OutgoingEmailQuerySet) -> int:
    """Staff have checked that an uncertain mail did not arrive: send it again."""
    return _requeue(emails.uncertain(), reset_attempts=True)


def discard(emails: OutgoingEmailQuerySet) -> int:
    waiting = [EmailState.DRAFT, EmailState.QUEUED, EmailState.FAILED]
    uncertain = emails.uncertain().values_list("pk", flat=True)
    return emails.filter(models.Q(state__in=waiting) | models.Q(pk__in=list(uncertain))).update(
        state=EmailState.DISCARDED
    )


def _requeue(emails: OutgoingEmailQuerySet, *, reset_attempts: bool = False) -> int:
    now = timezone.now()
    ids = list(emails.values_list("pk", flat=True))
    fields = {"state": EmailState.QUEUED, "queued_at": now, "next_attempt_at": now}
    if reset_attempts:
        fields["attempts"] = 0
    OutgoingEmail.objects.filter(pk__in=ids).update(**fields)
    enqueue_after_commit(ids)
    return len(ids)
