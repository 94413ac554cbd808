"""Assignments: the pre-assignment, the organisations' submissions and staff's feedback.

A submission holds files. Replacing a file keeps the earlier version (it is
marked replaced, never deleted). An organisation marks its submission final
when it is done; after the due date that is accepted and flagged late, until
the cut-off, if there is one.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from academy.models import Cohort, Organisation, StoredFile
from academy.uploads import DEFAULT_TYPES

MEGABYTE = 1024 * 1024


def default_types() -> list[str]:
    return list(DEFAULT_TYPES)


class Assignment(models.Model):
    cohort = models.OneToOneField(
        Cohort,
        on_delete=models.PROTECT,
        related_name="pre_assignment",
        verbose_name=_("cohort"),
    )
    title = models.CharField(pgettext_lazy("name of a thing", "title"), max_length=200)
    instructions = models.TextField(
        _("instructions"),
        help_text=_("Markdown: headings, lists, links, emphasis and tables."),
    )
    due_at = models.DateTimeField(_("due"))
    cutoff_at = models.DateTimeField(
        _("late submissions accepted until"),
        null=True,
        blank=True,
        help_text=_("Empty: late submissions are accepted at any time, and flagged late."),
    )
    allowed_types = models.JSONField(_("allowed file types"), default=default_types)
    max_size_mb = models.PositiveSmallIntegerField(
        _("largest file (MB)"), default=20, help_text=_("At most 50 MB.")
    )
    sent_at = models.DateTimeField(
        _("sent to participants"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("With the kick-off invitation, or on its own if it was written later."),
    )

    class Meta:
        verbose_name = _("pre-assignment")
        verbose_name_plural = _("pre-assignments")
        ordering = ["-cohort__application_opens"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cutoff_at__isnull=True)
                | models.Q(cutoff_at__gte=models.F("due_at")),
                name="assignment_cutoff_not_before_due",
            ),
            models.CheckConstraint(
                condition=models.Q(max_size_mb__gte=1, max_size_mb__lte=50),
                name="assignment_size_limit_between_1_and_50_mb",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.due_at and self.cutoff_at and self.cutoff_at < self.due_at:
            raise ValidationError({"cutoff_at": _("The cut-off cannot come before the due date.")})
        if not self.allowed_types:
            raise ValidationError({"allowed_types": _("Allow at least one file type.")})

    @property
    def max_bytes(self) -> int:
        return self.max_size_mb * MEGABYTE

    def cutoff_for(self, due_at: dt.datetime) -> dt.datetime | None:
        """The last instant to submit work due at ``due_at``: none, or the cut-off, never
        before that due date (an organisation given more time keeps it)."""
        return None if self.cutoff_at is None else max(self.cutoff_at, due_at)

    def is_open_at(self, now: dt.datetime, *, due_at: dt.datetime | None = None) -> bool:
        """Whether work due at ``due_at`` (the pre-assignment's own due date unless
        given) can still be submitted at ``now``."""
        cutoff = self.cutoff_for(due_at or self.due_at)
        return cutoff is None or now <= cutoff


class Template(models.Model):
    """A file for participants to download and fill in: a form, a spreadsheet, a slide base."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="templates", verbose_name=_("assignment")
    )
    title = models.CharField(pgettext_lazy("name of a thing", "title"), max_length=200)
    file = models.OneToOneField(
        StoredFile, on_delete=models.PROTECT, related_name="template", verbose_name=_("file")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("template")
        verbose_name_plural = _("templates")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class SubmissionState(models.TextChoices):
    DRAFT = "draft", _("In progress")
    FINAL = "final", _("Submitted")


class Submission(models.Model):
    """One organisation's answer to the pre-assignment."""

    assignment = models.ForeignKey(
        Assignment,
        on_delete=models.PROTECT,
        related_name="submissions",
        verbose_name=_("assignment"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="submissions",
        verbose_name=_("organisation"),
    )
    state = models.CharField(
        _("state"), max_length=8, choices=SubmissionState.choices, default=SubmissionState.DRAFT
    )
    extended_due_at = models.DateTimeField(
        _("extended due date"),
        null=True,
        blank=True,
        help_text=_("A later due date for this organisation alone (Finnish time)."),
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    is_late = models.BooleanField(_("late"), default=False)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["assignment", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "organisation"], name="submission_once_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.assignment}"

    @property
    def due_at(self) -> dt.datetime:
        return self.extended_due_at or self.assignment.due_at

    @property
    def cutoff_at(self) -> dt.datetime | None:
        return self.assignment.cutoff_for(self.due_at)

    @property
    def is_final(self) -> bool:
        return self.state == SubmissionState.FINAL

    def is_open_at(self, now: dt.datetime) -> bool:
        return self.assignment.is_open_at(now, due_at=self.due_at)


class SubmittedFileQuerySet(models.QuerySet):
    def current(self) -> "SubmittedFileQuerySet":
        """The files a submission holds now: neither replaced by a new version nor removed."""
        return self.filter(replaced_at__isnull=True, removed_at__isnull=True)


class SubmittedFile(models.Model):
    """One version of one file of a submission. A replaced version stays, marked replaced."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="files", verbose_name=_("submission")
    )
    file = models.OneToOneField(
        StoredFile, on_delete=models.PROTECT, related_name="submitted", verbose_name=_("file")
    )
    previous = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_version",
        verbose_name=_("replaces"),
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    replaced_at = models.DateTimeField(_("replaced"), null=True, blank=True)
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)

    objects = SubmittedFileQuerySet.as_manager()

    class Meta:
        verbose_name = _("submitted file")
        verbose_name_plural = _("submitted files")
        ordering = ["submission", "file__uploaded_at"]

    def __str__(self) -> str:
        return f"{self.file.original_name} (v{self.version})"

    @property
    def is_current(self) -> bool:
        return self.replaced_at is None and self.removed_at is None


class Feedback(models.Model):
    """Staff's feedback on a submission: text and files the organisation sees."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="feedback", verbose_name=_("submission")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    text = models.TextField(_("feedback"), help_text=_("Markdown: lists, links and emphasis."))
    created_at = models.DateTimeField(_("given"), default=timezone.now)
    files = models.ManyToManyField(
        StoredFile, blank=True, related_name="feedback", verbose_name=_("files")
    )

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.submission} ({timezone.localtime(self.created_at):%d.%m.%Y})"
