"""The core domain: people, organisations, their teams, and the cohorts they join."""

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import rules
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from .business_id import normalise_business_id, validate_business_id
from .storage import private_storage

HELSINKI = ZoneInfo("Europe/Helsinki")


# The domain of the addresses erased accounts are left with; ".invalid" never delivers.
ERASED_DOMAIN = "erased.invalid"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **fields) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person: applicant, participant or programme staff. The e-mail is the login."""

    email = models.EmailField(_("e-mail address"), unique=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=5,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("E-mails are sent in this language."),
    )
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Whether the person may sign in to the administration."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    inactivity_warned_at = models.DateTimeField(
        _("told of erasure for inactivity"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the person was told that their unused account will be erased."),
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        permissions = [
            ("manage_staff", _("Can make people programme staff or interviewers, and remove them"))
        ]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="user_email_case_insensitive_unique",
                violation_error_message=_("A person with this e-mail address already exists."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.name else self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def has_perm(self, perm: str, obj=None) -> bool:
        """A permission on an object is its rule's answer alone (``academy.rules``): being a
        superuser puts nobody on a team, and an inactive account has none. Permissions
        without an object are Django's, superusers' included."""
        if obj is not None and rules.perm_exists(perm):
            return self.is_active and rules.has_perm(perm, self, obj)
        return super().has_perm(perm, obj)

    def get_full_name(self) -> str:
        return self.name or self.email

    def erased_address(self) -> str:
        """The address an erased account is left with (academy.personal_data.erase)."""
        return f"erased-{self.pk}@{ERASED_DOMAIN}"

    @property
    def is_erased(self) -> bool:
        """Erased on request or for disuse: a nameless, closed account."""
        return self.email.endswith(f"@{ERASED_DOMAIN}")

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email


class CohortPhase(models.TextChoices):
    UPCOMING = "upcoming", _("Upcoming")
    APPLICATIONS_OPEN = "applications_open", _("Applications open")
    INTERVIEWS = "interviews", _("Interviews and selection")
    RUNNING = "running", _("Programme running")
    FINISHED = "finished", _("Finished")


class CohortQuerySet(models.QuerySet["Cohort"]):
    def current(self) -> "Cohort | None":
        """The cohort the public pages show: the one whose call opened most recently."""
        return self.order_by("-application_opens").first()


class Cohort(models.Model):
    """One run of the programme. A later year is a new row, not a code change.

    The application window is closed at both ends: a submission counts while
    ``application_opens <= instant <= application_closes``, read to the second.
    The 2022 cohort closes at 11.2.2022 23:59:59 Helsinki time, so everything
    submitted while a Helsinki clock still shows 11.2.2022 is on time.
    """

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name in addresses"), unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    capacity = models.PositiveSmallIntegerField(
        _("capacity"), default=6, help_text=_("How many organisations are selected.")
    )
    application_opens = models.DateTimeField(_("applications open"))
    application_closes = models.DateTimeField(
        _("applications close"),
        help_text=_("The last instant at which an application is still on time."),
    )
    interviews_start = models.DateField(_("interviews start"))
    interviews_end = models.DateField(_("interviews end"))
    decisions_on = models.DateField(
        _("decisions announced"), help_text=_("When selected organisations are notified.")
    )
    kickoff_start = models.DateTimeField(_("kick-off starts"))
    kickoff_end = models.DateTimeField(_("kick-off ends"))
    ends_on = models.DateField(
        _("programme ends"), help_text=_("The last day of the programme's sessions.")
    )
    interview_change_cutoff_hours = models.PositiveSmallIntegerField(
        _("interviews can be moved or cancelled until (hours before)"),
        default=24,
        help_text=_("After this, applicants ask staff to move or cancel their interview."),
    )
    confirmation_days = models.PositiveSmallIntegerField(
        _("days to confirm participation"),
        default=7,
        help_text=_("How long a selected organisation has to confirm, from the decisions."),
    )
    participants_public = models.BooleanField(
        _("participants published"),
        default=False,
        help_text=_("Show the organisations that confirmed on the public programme page."),
    )
    kickoff_invitation_by = models.DateField(
        _("kick-off invitation sent by"),
        null=True,
        blank=True,
        help_text=_(
            "The kick-off invitation, with the pre-assignment, goes out no later than this day."
        ),
    )
    sparring_per_organisation = models.PositiveSmallIntegerField(
        _("sparring sessions per organisation"),
        default=2,
        help_text=_("How many sparring times an organisation may pick from those offered."),
    )
    contact_email = models.EmailField(_("contact e-mail"))
    # How long personal data is kept (academy.retention; the privacy notice says the same).
    keep_unselected_months = models.PositiveSmallIntegerField(
        _("keep applications not selected (months)"),
        default=6,
        help_text=_(
            "Months after the decisions after which the applications of organisations not "
            "selected (and withdrawn or declined ones) lose their contact details, proposed "
            "team, interview notes and score comments."
        ),
    )
    keep_mail_texts_days = models.PositiveSmallIntegerField(
        _("keep the texts of sent e-mails (days)"),
        default=180,
        help_text=_(
            "Days after sending after which an e-mail's text is removed; who it went to, "
            "when and in which state stays."
        ),
    )
    description_fi = models.TextField(_("public description (Finnish)"), blank=True)
    description_sv = models.TextField(_("public description (Swedish)"), blank=True)
    description_en = models.TextField(_("public description (English)"), blank=True)

    objects = CohortQuerySet.as_manager()

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["-application_opens"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(application_opens__lt=models.F("application_closes")),
                name="cohort_window_opens_before_it_closes",
            ),
            models.CheckConstraint(
                condition=models.Q(kickoff_start__lt=models.F("kickoff_end")),
                name="cohort_kickoff_starts_before_it_ends",
            ),
            models.CheckConstraint(
                condition=models.Q(interviews_start__lte=models.F("interviews_end")),
                name="cohort_interviews_start_before_they_end",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if self._both("application_opens", "application_closes") and (
            self.application_closes <= self.application_opens
        ):
            errors["application_closes"] = _("Applications must close after they open.")
        if self._both("interviews_start", "interviews_end") and (
            self.interviews_end < self.interviews_start
        ):
            errors["interviews_end"] = _("Interviews must end on or after the day they start.")
        if self._both("kickoff_start", "kickoff_end") and self.kickoff_end <= self.kickoff_start:
            errors["kickoff_end"] = _("The kick-off must end after it starts.")
        if self._both("application_closes", "kickoff_start") and (
            self.kickoff_start <= self.application_closes
        ):
            errors["kickoff_start"] = _("The kick-off must come after the application window.")
        if self._both("kickoff_start", "ends_on") and (
            self.ends_on < self.kickoff_start.astimezone(HELSINKI).date()
        ):
            errors["ends_on"] = _("The programme cannot end before its kick-off.")
        if errors:
            raise ValidationError(errors)

    def _both(self, first: str, second: str) -> bool:
        return getattr(self, first) is not None and getattr(self, second) is not None

    @property
    def ends_at(self) -> dt.datetime:
        """The first instant after the programme: midnight after ``ends_on``, Helsinki time."""
        next_day = self.ends_on + dt.timedelta(days=1)
        return dt.datetime.combine(next_day, dt.time.min, tzinfo=HELSINKI)

    def is_application_open(self, at: dt.datetime) -> bool:
        at = at.replace(microsecond=0)
        return self.application_opens <= at <= self.application_closes

    def phase_at(self, at: dt.datetime) -> CohortPhase:
        """The cohort's phase at an instant, derived from its dates alone."""
        if at < self.application_opens:
            return CohortPhase.UPCOMING
        if self.is_application_open(at):
            return CohortPhase.APPLICATIONS_OPEN
        if at < self.kickoff_start:
            return CohortPhase.INTERVIEWS
        if at < self.ends_at:
            return CohortPhase.RUNNING
        return CohortPhase.FINISHED

    @property
    def interviews_begin_during_call(self) -> bool:
        return self.interviews_start <= self.application_closes.astimezone(HELSINKI).date()

    @property
    def title(self) -> str:
        """The public name in the active language when it is used: staff's name is Finnish only.

        Lazy, so that an e-mail context made now reads right in the recipient's language.
        """
        return _title(self.year)

    def description_in(self, language: str) -> tuple[str, str]:
        """The public description in a language, or the Finnish one, with its language."""
        text = getattr(self, f"description_{language}", "")
        return (text, language) if text else (self.description_fi, "fi")


def _year_title(year: int) -> str:
    return gettext("Low-carbon Procurement Academy %(year)s") % {"year": year}


_title = lazy(_year_title, str)


class OrganisationKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    JOINT_MUNICIPAL_AUTHORITY = "joint_municipal_authority", _("Joint municipal authority")
    STATE_AGENCY = "state_agency", _("State agency or institution")
    PARISH = "parish", _("Parish")


class Organisation(models.Model):
    """A public body that applies to, and takes part in, the programme."""

    name = models.CharField(_("name"), max_length=200)
    business_id = models.CharField(
        _("business ID"),
        max_length=9,
        unique=True,
        validators=[validate_business_id],
        help_text=_("The Finnish business ID (Y-tunnus), e.g. 0201256-6."),
        error_messages={"unique": _("An organisation with this business ID already exists.")},
    )
    kind = models.CharField(
        _("type of organisation"), max_length=32, choices=OrganisationKind.choices
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        self.business_id = normalise_business_id(self.business_id)


class TeamRole(models.TextChoices):
    """The five roles PROGRAMME.md asks each organisation's team to cover."""

    PROCUREMENT_LEAD = (
        "procurement_lead",
        _("Person responsible for procurement (e.g. procurement or finance manager)"),
    )
    SUBSTANCE_REPRESENTATIVE = (
        "substance_representative",
        _("Representative of a service unit or sector"),
    )
    PROCUREMENT_SPECIALIST = "procurement_specialist", _("Procurement specialist")
    SUSTAINABILITY_SPECIALIST = (
        "sustainability_specialist",
        _("Sustainability or responsibility specialist or manager"),
    )
    DEVELOPMENT_FINANCE = (
        "development_finance",
        _("Person responsible for development or financial planning"),
    )


class Membership(models.Model):
    """A person on an organisation's team, in one of the five roles."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("person")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(
        pgettext_lazy("team role", "role"), max_length=32, choices=TeamRole.choices
    )
    is_contact = models.BooleanField(
        _("contact person"),
        default=False,
        help_text=_("The contact person speaks for the organisation and invites its team."),
    )
    created_at = models.DateTimeField(_("added to the team"), auto_now_add=True)

    class Meta:
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")
        ordering = ["organisation__name", "-is_contact", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"],
                name="membership_once_per_organisation",
                violation_error_message=_("This person is already on the organisation's team."),
            ),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(is_contact=True),
                name="membership_one_contact_person_per_organisation",
                violation_error_message=_("The organisation already has a contact person."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"


def invitation_expiry() -> dt.datetime:
    return timezone.now() + INVITATION_VALID


INVITATION_VALID = dt.timedelta(days=14)


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def pending(self, now: dt.datetime) -> "InvitationQuerySet":
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now)


class Invitation(models.Model):
    """An invitation to join an organisation's team in a role, bound to one e-mail address.

    Only a hash of the link's secret is stored: the database alone does not let
    anyone accept an invitation.
    """

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("organisation"),
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(
        pgettext_lazy("team role", "role"), max_length=32, choices=TeamRole.choices
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("invited by")
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("valid until"), default=invitation_expiry)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("team invitation")
        verbose_name_plural = _("team invitations")
        ordering = ["organisation", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "organisation",
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_address",
                violation_error_message=_("This address already has an open invitation."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation} ({self.get_role_display()})"

    def is_open_at(self, now: dt.datetime) -> bool:
        return self.accepted_at is None and self.revoked_at is None and now < self.expires_at


class ParticipationQuerySet(models.QuerySet["Participation"]):
    def of_user(self, user) -> "ParticipationQuerySet":
        """The participations whose organisation has the person on its team."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(organisation__memberships__user=user)


class Participation(models.Model):
    """An organisation taking part in a cohort: its place, its workspace."""

    cohort = models.ForeignKey(
        Cohort, on_delete=models.PROTECT, related_name="participations", verbose_name=_("cohort")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="participations",
        verbose_name=_("organisation"),
    )
    created_at = models.DateTimeField(_("taking part since"), default=timezone.now)

    objects = ParticipationQuerySet.as_manager()

    class Meta:
        verbose_name = _("participating organisation")
        verbose_name_plural = _("participating organisations")
        ordering = ["cohort", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "organisation"],
                name="participation_once_per_cohort",
                violation_error_message=_("The organisation already takes part in this cohort."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.cohort}"


def private_name(instance: "StoredFile", filename: str) -> str:
    """A generated storage name: nothing of what the uploader typed reaches the file system."""
    suffix = instance.file_type if instance.file_type.isalnum() else "bin"
    return f"{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{suffix}"


class StoredFile(models.Model):
    """An uploaded file in private storage, served only through views that check access.

    The original name is kept for display and for the download's name alone.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    file = models.FileField(
        _("file"), upload_to=private_name, storage=private_storage, max_length=200
    )
    original_name = models.CharField(_("file name"), max_length=200)
    file_type = models.CharField(_("file type"), max_length=10)
    content_type = models.CharField(_("content type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class AuditAction(models.TextChoices):
    VIEW = "view", _("viewed")
    DOWNLOAD = "download", _("downloaded")
    SEND = "send", _("sent a form")


class AuditRecord(models.Model):
    """A page or file staff opened: who, when, what. Personal data stays on what it was read
    from; the record names the address, never the content. Visible to superusers only."""

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("who")
    )
    # The address the account had then: the record stays readable if the account goes.
    user_email = models.CharField(_("who (e-mail)"), max_length=254)
    action = models.CharField(_("action"), max_length=10, choices=AuditAction.choices)
    view = models.CharField(_("page"), max_length=120)
    path = models.CharField(_("address"), max_length=500)
    status = models.PositiveSmallIntegerField(_("answer"))

    class Meta:
        verbose_name = _("audit record")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user_email} {self.action} {self.path}"


class ErasureRequest(models.Model):
    """A person asked for their personal data to be erased; staff carry it out."""

    user = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        related_name="erasure_requests",
        verbose_name=_("person"),
    )
    email = models.CharField(_("e-mail address"), max_length=254)
    reason = models.TextField(_("what they wrote"), blank=True)
    requested_at = models.DateTimeField(_("asked"), default=timezone.now)
    carried_out_at = models.DateTimeField(_("carried out"), null=True, blank=True)
    carried_out_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("carried out by"),
    )

    class Meta:
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(carried_out_at__isnull=True),
                name="erasurerequest_one_open_per_user",
            )
        ]

    def __str__(self) -> str:
        return self.email
