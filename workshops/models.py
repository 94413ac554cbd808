"""Sessions: the info session, kick-off, joint workshops and sparring, with their materials.

A session keeps one UID for its whole life, and its SEQUENCE rises with every
change sent to its participants, so calendar programs replace the event they
have instead of adding another one.
"""

import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from academy.models import Cohort, Organisation, StoredFile


class SessionKind(models.TextChoices):
    INFO = "info", _("Info session")
    KICKOFF = "kickoff", _("Kick-off")
    WORKSHOP = "workshop", _("Joint workshop")
    SPARRING = "sparring", _("Sparring")


class SessionState(models.TextChoices):
    DRAFT = "draft", _("Draft: not visible to participants")
    OFFERED = "offered", _("Offered: an organisation may pick this time")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")


class SessionQuerySet(models.QuerySet["Session"]):
    def visible(self) -> "SessionQuerySet":
        return self.filter(state__in=[SessionState.PUBLISHED, SessionState.CANCELLED])

    def for_participation(self, participation) -> "SessionQuerySet":
        """The cohort's joint sessions and the organisation's own sparring."""
        return self.filter(cohort_id=participation.cohort_id).filter(
            models.Q(organisation__isnull=True, kind__in=JOINT_KINDS)
            | models.Q(organisation_id=participation.organisation_id)
        )


JOINT_KINDS = (SessionKind.KICKOFF, SessionKind.WORKSHOP)


class Session(models.Model):
    cohort = models.ForeignKey(
        Cohort, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("cohort")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=SessionKind.choices)
    title = models.CharField(pgettext_lazy("name of a thing", "title"), max_length=200)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sparring_sessions",
        verbose_name=_("organisation"),
        help_text=_("Sparring only: the organisation the session is for."),
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    online_url = models.URLField(_("online meeting link"), max_length=500, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    agenda = models.TextField(
        _("agenda"), blank=True, help_text=_("Markdown: headings, lists, links and emphasis.")
    )
    recording_url = models.URLField(
        _("recording link"),
        max_length=500,
        blank=True,
        help_text=_("Info session: sent to everyone who has asked for the recording."),
    )
    state = models.CharField(
        _("state"), max_length=16, choices=SessionState.choices, default=SessionState.DRAFT
    )
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(
        _("calendar version"),
        default=0,
        editable=False,
        help_text=_("Raised every time a change is sent to the participants."),
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(
        pgettext_lazy("session", "cancelled"), null=True, blank=True, editable=False
    )

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_at__lt=models.F("ends_at")),
                name="session_starts_before_it_ends",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="sparring") | models.Q(organisation__isnull=True),
                name="session_only_sparring_has_an_organisation",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The session must end after it starts.")
        if self.kind != SessionKind.SPARRING and self.organisation_id:
            errors["organisation"] = _("Only a sparring session is for one organisation.")
        if self.kind != SessionKind.SPARRING and self.state == SessionState.OFFERED:
            errors["state"] = _("Only sparring times are offered for organisations to pick.")
        if self.state == SessionState.OFFERED and self.organisation_id:
            errors["state"] = _("This time has been picked already: publish it instead.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_joint(self) -> bool:
        return self.kind in JOINT_KINDS

    @property
    def is_cancelled(self) -> bool:
        return self.state == SessionState.CANCELLED

    def has_started(self, now) -> bool:
        return now >= self.starts_at

    def has_ended(self, now) -> bool:
        return now >= self.ends_at


class MaterialVisibility(models.TextChoices):
    BEFORE = "before", _("From publication on")
    AFTER = "after", _("Once the session has ended")


class Material(models.Model):
    """A file or a link for a session, shown to its participants before or after it, as chosen."""

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="materials", verbose_name=_("session")
    )
    title = models.CharField(pgettext_lazy("name of a thing", "title"), max_length=200)
    url = models.URLField(_("link"), max_length=500, blank=True)
    file = models.OneToOneField(
        StoredFile,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="material",
        verbose_name=_("file"),
    )
    visible = models.CharField(
        _("visible"),
        max_length=8,
        choices=MaterialVisibility.choices,
        default=MaterialVisibility.BEFORE,
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(url="") & models.Q(file__isnull=False))
                | (~models.Q(url="") & models.Q(file__isnull=True)),
                name="material_is_a_file_or_a_link",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def is_visible_at(self, now) -> bool:
        return self.visible == MaterialVisibility.BEFORE or self.session.has_ended(now)


class Attendance(models.Model):
    """One person invited to a session: coming, as their organisation says, and attended."""

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("session")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="attendances",
        verbose_name=_("person"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="attendances",
        verbose_name=_("organisation"),
    )
    coming = models.BooleanField(
        _("coming"), null=True, blank=True, help_text=_("As the organisation has told.")
    )
    attended = models.BooleanField(
        _("attended"), null=True, blank=True, help_text=_("Recorded by staff.")
    )
    invited_sequence = models.IntegerField(
        _("invitation version sent"),
        default=-1,
        editable=False,
        help_text=_("The calendar version last sent to this person; -1 if none."),
    )

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["session", "organisation__name", "user__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"], name="attendance_once_per_person_and_session"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.session}"


class RecordingRequest(models.Model):
    """Someone asked for the info session's recording; it is sent as soon as there is one."""

    session = models.ForeignKey(
        Session,
        on_delete=models.CASCADE,
        related_name="recording_requests",
        verbose_name=_("session"),
    )
    email = models.EmailField(_("e-mail address"))
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    sent_at = models.DateTimeField(_("recording sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("recording request")
        verbose_name_plural = _("recording requests")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                models.functions.Lower("email"),
                "session",
                name="recording_request_once_per_address",
            )
        ]

    def __str__(self) -> str:
        return self.email


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A person's secret calendar address: their sessions, interviews and deadlines.

    Calendar programs fetch it without signing in, so the address itself is the
    secret; a new one can be made at any time, and the old one stops working.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feed",
        verbose_name=_("person"),
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_read_at = models.DateTimeField(_("last read"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.user)
