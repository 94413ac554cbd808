"""The outbox: every e-mail is a row before it is anything else."""

import datetime as dt

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A row that has been "sending" this long was most likely left by a worker that
# died mid-send: nobody knows whether the server got it, so staff decide.
UNCERTAIN_AFTER = dt.timedelta(minutes=15)


class EmailState(models.TextChoices):
    DRAFT = "draft", _("Draft: waiting for review")
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    DISCARDED = "discarded", _("Discarded")


class OutgoingEmailQuerySet(models.QuerySet["OutgoingEmail"]):
    def uncertain(self, now: dt.datetime | None = None) -> "OutgoingEmailQuerySet":
        now = now or timezone.now()
        return self.filter(state=EmailState.SENDING, claimed_at__lt=now - UNCERTAIN_AFTER)


class OutgoingEmail(models.Model):
    key = models.CharField(
        _("idempotency key"),
        max_length=255,
        unique=True,
        help_text=_("No two e-mails with the same key are ever sent."),
    )
    purpose = models.CharField(_("purpose"), max_length=100, db_index=True)
    to = models.EmailField(_("recipient"))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="emails",
        verbose_name=_("person"),
    )
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    calendar = models.TextField(
        _("calendar invitation"),
        blank=True,
        help_text=_("An iCalendar (ICS) invitation, update or cancellation sent with the mail."),
    )
    state = models.CharField(
        _("state"), max_length=16, choices=EmailState.choices, default=EmailState.QUEUED
    )
    sensitive = models.BooleanField(
        _("contains a secret"),
        default=False,
        help_text=_(
            "A sign-in code or password link: nobody sees the text, "
            "and it is removed once the mail has been sent."
        ),
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    cohort = models.ForeignKey(
        "academy.Cohort",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="emails",
        verbose_name=_("cohort"),
    )
    about_type = models.ForeignKey(ContentType, on_delete=models.SET_NULL, null=True, blank=True)
    about_id = models.CharField(max_length=64, blank=True)
    about = GenericForeignKey("about_type", "about_id")
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("sending started"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = OutgoingEmailQuerySet.as_manager()

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outbox")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"

    @property
    def is_uncertain(self) -> bool:
        return (
            self.state == EmailState.SENDING
            and self.claimed_at is not None
            and self.claimed_at < timezone.now() - UNCERTAIN_AFTER
        )


class EmailTemplate(models.Model):
    """Staff's version of a shipped e-mail template, for one purpose and language."""

    purpose = models.CharField(_("purpose"), max_length=100)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(
        _("HTML"), blank=True, help_text=_("Leave empty to send the text version only.")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("e-mail template")
        verbose_name_plural = _("e-mail templates")
        ordering = ["purpose", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["purpose", "language"],
                name="email_template_once_per_purpose_and_language",
                violation_error_message=_("This purpose already has a template in this language."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.purpose} ({self.language})"


class OffsetDirection(models.TextChoices):
    BEFORE = "before", _("before")
    AFTER = "after", _("after")


class ReminderOffset(models.Model):
    """When a reminder rule fires for a cohort: so many days before or after its date."""

    cohort = models.ForeignKey(
        "academy.Cohort",
        on_delete=models.CASCADE,
        related_name="reminder_offsets",
        verbose_name=_("cohort"),
    )
    rule = models.CharField(_("reminder"), max_length=100)
    days = models.PositiveSmallIntegerField(_("days"))
    direction = models.CharField(
        _("before or after"),
        max_length=6,
        choices=OffsetDirection.choices,
        default=OffsetDirection.BEFORE,
    )

    class Meta:
        verbose_name = _("reminder time")
        verbose_name_plural = _("reminder times")
        ordering = ["cohort", "rule", "direction", "-days"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "rule", "days", "direction"],
                name="reminder_offset_once",
                violation_error_message=_("This reminder time already exists for the cohort."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule}: {self.days} {self.get_direction_display()}"

    @property
    def delta(self) -> dt.timedelta:
        days = dt.timedelta(days=self.days)
        return -days if self.direction == OffsetDirection.BEFORE else days

    @property
    def slug(self) -> str:
        return f"{self.direction}-{self.days}d"
