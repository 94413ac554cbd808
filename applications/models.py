"""Applications: the window, the form, review, interviews and selection."""

import datetime as dt
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from academy.business_id import validate_business_id
from academy.models import Cohort, OrganisationKind, TeamRole
from academy.templatetags.academy_tags import helsinki_range

# The roles the form requires; the other roles are recommended. One person may
# hold several roles, as in a small organisation one often does.
REQUIRED_ROLES = (TeamRole.PROCUREMENT_LEAD, TeamRole.SUSTAINABILITY_SPECIALIST)

SHORT_TEXT = 200
LONG_TEXT = 4000


class ApplicationState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    SELECTED = "selected", _("Selected, not yet confirmed")
    RESERVE = "reserve", _("Reserve")
    NOT_SELECTED = "not_selected", _("Not selected")
    CONFIRMED = "confirmed", _("Participation confirmed")
    DECLINED = "declined", _("Declined")


class Decision(models.TextChoices):
    """What staff decide for a submitted application; pending until staff apply it."""

    SELECTED = ApplicationState.SELECTED.value, _("Selected")
    RESERVE = ApplicationState.RESERVE.value, _("Reserve")
    NOT_SELECTED = ApplicationState.NOT_SELECTED.value, _("Not selected")


# An application in one of these states holds its organisation's place in the
# cohort: a second application with the same business ID is refused.
ACTIVE_STATES = [state for state in ApplicationState if state != ApplicationState.WITHDRAWN]
# The applicant may change the answers (within the window) only in these.
EDITABLE_STATES = [ApplicationState.DRAFT, ApplicationState.SUBMITTED]
DECISION_STATES = [
    ApplicationState.SELECTED,
    ApplicationState.RESERVE,
    ApplicationState.NOT_SELECTED,
]
# The places a cohort's capacity counts.
TAKING_A_PLACE = [ApplicationState.SELECTED, ApplicationState.CONFIRMED]


class ApplicationQuerySet(models.QuerySet["Application"]):
    def active(self) -> "ApplicationQuerySet":
        return self.filter(state__in=ACTIVE_STATES)

    def without_interview(self) -> "ApplicationQuerySet":
        booked = Interview.objects.filter(
            application=models.OuterRef("pk"), cancelled_at__isnull=True
        )
        return self.exclude(models.Exists(booked))

    def of(self, user) -> "ApplicationQuerySet":
        """The applications a person may see on the public pages: the ones they started."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(applicant=user)


class Application(models.Model):
    """One organisation's application to one cohort, from its first draft on.

    Every answer may be blank while it is a draft; submitting checks that the
    answers are complete (see ``applications.checklist``).
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    cohort = models.ForeignKey(
        Cohort, on_delete=models.PROTECT, related_name="applications", verbose_name=_("cohort")
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("applicant"),
        help_text=_("The person who made the application and may edit it."),
    )
    state = models.CharField(
        _("state"), max_length=20, choices=ApplicationState.choices, default=ApplicationState.DRAFT
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submission_count = models.PositiveSmallIntegerField(default=0, editable=False)

    # The organisation
    organisation_name = models.CharField(
        _("name of the organisation"), max_length=SHORT_TEXT, blank=True
    )
    business_id = models.CharField(
        _("business ID"),
        max_length=9,
        blank=True,
        validators=[validate_business_id],
        help_text=_("The Finnish business ID (Y-tunnus), e.g. 0201256-6."),
    )
    organisation_kind = models.CharField(
        _("type of organisation"), max_length=32, choices=OrganisationKind.choices, blank=True
    )
    region = models.CharField(
        _("municipality or region"),
        max_length=SHORT_TEXT,
        blank=True,
        help_text=_("Where the organisation works: a municipality, a region or the whole country."),
    )
    website = models.URLField(_("website"), max_length=SHORT_TEXT, blank=True)

    # The contact person
    contact_name = models.CharField(_("name"), max_length=SHORT_TEXT, blank=True)
    contact_title = models.CharField(_("title"), max_length=SHORT_TEXT, blank=True)
    contact_email = models.EmailField(_("e-mail address"), max_length=254, blank=True)
    contact_phone = models.CharField(_("phone number"), max_length=40, blank=True)

    # Motivation and the current state
    motivation = models.TextField(
        _("why the organisation wants to take part"), max_length=LONG_TEXT, blank=True
    )
    goals = models.TextField(
        _("the organisation's goals for the programme"), max_length=LONG_TEXT, blank=True
    )
    climate_targets = models.TextField(
        _("climate targets"),
        max_length=LONG_TEXT,
        blank=True,
        help_text=_("The organisation's climate or carbon-neutrality targets, if any."),
    )
    procurement_strategy = models.TextField(
        _("procurement strategy"),
        max_length=LONG_TEXT,
        blank=True,
        help_text=_(
            "How sustainability and low carbon appear in the procurement strategy or policy."
        ),
    )
    earlier_work = models.TextField(
        _("earlier work on sustainable or low-carbon procurement"),
        max_length=LONG_TEXT,
        blank=True,
    )

    # Procurement
    procurement_volume = models.DecimalField(
        _("annual procurement volume (€, VAT excluded)"),
        max_digits=14,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    main_categories = models.TextField(
        _("main procurement categories"), max_length=LONG_TEXT, blank=True
    )
    pilot_candidate = models.TextField(
        _("a candidate subject for the pilot procurement"),
        max_length=LONG_TEXT,
        blank=True,
        help_text=_(
            "An upcoming procurement that could be prepared as the pilot during the programme."
        ),
    )

    # Commitment
    approver_name = models.CharField(
        _("name of the person who approved taking part"), max_length=SHORT_TEXT, blank=True
    )
    approver_title = models.CharField(_("their title"), max_length=SHORT_TEXT, blank=True)
    privacy_consent = models.BooleanField(
        _("privacy notice read and the team informed"), default=False
    )

    # Set by staff: a later deadline for this organisation alone.
    deadline_extended_to = models.DateTimeField(
        _("extended deadline"),
        null=True,
        blank=True,
        help_text=_("This organisation may submit and edit until this instant (Finnish time)."),
    )
    extension_reason = models.CharField(
        _("reason for the extension"), max_length=SHORT_TEXT, blank=True
    )

    # Set by staff and applied (with the decision mails as drafts) when they choose.
    pending_decision = models.CharField(
        _("pending decision"),
        max_length=20,
        choices=Decision.choices,
        blank=True,
        help_text=_("Nobody is told until staff apply the decisions and send the mails."),
    )
    decision_announced_at = models.DateTimeField(
        _("decision announced"),
        null=True,
        blank=True,
        help_text=_(
            "When the decision mail went out; the applicant sees the decision from then on."
        ),
    )
    confirm_by = models.DateTimeField(_("confirm participation by"), null=True, blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-submitted_at", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "business_id"],
                condition=Q(state__in=ACTIVE_STATES) & ~Q(business_id=""),
                name="application_one_per_organisation_per_cohort",
            ),
            models.UniqueConstraint(
                fields=["cohort", "applicant"],
                condition=Q(state__in=ACTIVE_STATES),
                name="application_one_active_per_applicant_per_cohort",
            ),
            models.CheckConstraint(
                condition=Q(deadline_extended_to__isnull=True) | ~Q(extension_reason=""),
                name="application_extension_has_a_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.organisation_name or str(_("Application without a name"))

    @property
    def deadline(self) -> dt.datetime:
        """The last instant this application may be submitted or edited."""
        closes = self.cohort.application_closes
        if self.deadline_extended_to and self.deadline_extended_to > closes:
            return self.deadline_extended_to
        return closes

    @property
    def is_extended(self) -> bool:
        return self.deadline != self.cohort.application_closes

    def is_open_at(self, at: dt.datetime) -> bool:
        """Whether answers may be changed and submitted at an instant (the window's rule)."""
        at = at.replace(microsecond=0)
        return self.cohort.application_opens <= at <= self.deadline

    @property
    def state_for_applicant(self) -> str:
        """The state as the applicant may know it: a decision only once its mail has gone."""
        if self.state in DECISION_STATES and self.decision_announced_at is None:
            return str(ApplicationState.SUBMITTED.label)
        return self.get_state_display()

    @property
    def decision_known(self) -> bool:
        return self.state not in DECISION_STATES or self.decision_announced_at is not None

    def is_editable_at(self, at: dt.datetime) -> bool:
        return self.state in EDITABLE_STATES and self.is_open_at(at)


class ProposedMember(models.Model):
    """A person the organisation proposes for its team, in one of the five roles."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="team", verbose_name=_("application")
    )
    role = models.CharField(
        pgettext_lazy("team role", "role"), max_length=32, choices=TeamRole.choices
    )
    name = models.CharField(_("name"), max_length=SHORT_TEXT)
    title = models.CharField(_("title"), max_length=SHORT_TEXT, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("proposed team member")
        verbose_name_plural = _("proposed team")
        ordering = ["application", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"


class ApplicationVersion(models.Model):
    """The answers as they stood when submitted or edited after submission."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="versions",
        verbose_name=_("application"),
    )
    number = models.PositiveIntegerField(_("version"))
    answers = models.JSONField(_("answers"))
    created_at = models.DateTimeField(_("saved"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("saved by"),
    )

    class Meta:
        verbose_name = _("version of the answers")
        verbose_name_plural = _("versions of the answers")
        ordering = ["application", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "number"], name="application_version_unique"
            )
        ]

    def __str__(self) -> str:
        return str(_("Version %(number)s") % {"number": self.number})


class StateChange(models.Model):
    """A recorded move of an application from one state to another."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="state_changes",
        verbose_name=_("application"),
    )
    from_state = models.CharField(
        _("from"), max_length=20, choices=ApplicationState.choices, blank=True
    )
    to_state = models.CharField(_("to"), max_length=20, choices=ApplicationState.choices)
    at = models.DateTimeField(_("when"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.CharField(_("note"), max_length=SHORT_TEXT, blank=True)

    class Meta:
        verbose_name = _("state change")
        verbose_name_plural = _("state history")
        ordering = ["application", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_from_state_display()} → {self.get_to_state_display()}"


class ReviewCriterion(models.Model):
    """A weighted criterion that reviewers score applications on, per cohort."""

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="review_criteria", verbose_name=_("cohort")
    )
    name = models.CharField(_("name"), max_length=SHORT_TEXT)
    description = models.TextField(_("what to look at"), blank=True)
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("review criterion")
        verbose_name_plural = _("review criteria")
        ordering = ["cohort", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "name"], name="criterion_name_unique_per_cohort"
            ),
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class Review(models.Model):
    """One reviewer's assessment of one application: scores, or a declared conflict of interest."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("application")
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="reviews",
        verbose_name=_("reviewer"),
    )
    conflict_of_interest = models.BooleanField(
        _("conflict of interest"),
        default=False,
        help_text=_(
            "Declare a conflict of interest instead of scoring: your scores are then not counted."
        ),
    )
    conflict_note = models.CharField(_("nature of the conflict"), max_length=SHORT_TEXT, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["application", "reviewer__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"],
                name="review_once_per_reviewer",
                violation_error_message=_("You have already reviewed this application."),
            )
        ]

    def __str__(self) -> str:
        return str(
            _("%(reviewer)s on %(application)s")
            % {"reviewer": self.reviewer, "application": self.application}
        )


class Score(models.Model):
    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="scores", verbose_name=_("review")
    )
    criterion = models.ForeignKey(
        ReviewCriterion,
        on_delete=models.PROTECT,
        related_name="scores",
        verbose_name=_("criterion"),
    )
    value = models.PositiveSmallIntegerField(
        _("score"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1 (weak) to 5 (excellent)"),
    )
    comment = models.TextField(_("comment"), blank=True, max_length=LONG_TEXT)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["review", "criterion__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "criterion"], name="score_once_per_criterion"
            ),
            models.CheckConstraint(
                condition=Q(value__gte=1, value__lte=5), name="score_between_1_and_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.value}"


class InternalNote(models.Model):
    """Staff's note on an application: never shown to the applicant, kept apart from scores."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="notes", verbose_name=_("application")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    text = models.TextField(_("note"), max_length=LONG_TEXT)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")
        ordering = ["application", "created_at"]

    def __str__(self) -> str:
        return self.text[:60]


class InterviewSlotQuerySet(models.QuerySet["InterviewSlot"]):
    def free(self) -> "InterviewSlotQuerySet":
        """Slots without a standing booking (a cancelled one frees its slot)."""
        booked = Interview.objects.filter(slot=models.OuterRef("pk"), cancelled_at__isnull=True)
        return self.exclude(models.Exists(booked))


class InterviewSlot(models.Model):
    """A time staff offer for one interview."""

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="interview_slots", verbose_name=_("cohort")
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    interviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="interview_slots",
        verbose_name=_("interviewers"),
        limit_choices_to={"is_staff": True},
    )
    meeting_url = models.URLField(_("online meeting link"), max_length=500, blank=True)

    objects = InterviewSlotQuerySet.as_manager()

    class Meta:
        verbose_name = _("interview slot")
        verbose_name_plural = _("interview slots")
        ordering = ["cohort", "starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=models.F("ends_at")),
                name="slot_starts_before_it_ends",
                violation_error_message=_("An interview must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return helsinki_range(self.starts_at, self.ends_at)


class InterviewQuerySet(models.QuerySet["Interview"]):
    def active(self) -> "InterviewQuerySet":
        return self.filter(cancelled_at__isnull=True)


class Interview(models.Model):
    """An application's booking of a slot. Moving it keeps it (and its calendar UID)."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="interviews",
        verbose_name=_("application"),
    )
    slot = models.ForeignKey(
        InterviewSlot, on_delete=models.PROTECT, related_name="interviews", verbose_name=_("slot")
    )
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(
        _("calendar version"),
        default=0,
        editable=False,
        help_text=_("Increased on every change sent to calendars."),
    )
    booked_at = models.DateTimeField(_("booked"))
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("booked by"),
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cancelled by"),
    )
    no_show = models.BooleanField(_("did not attend"), default=False)
    readiness = models.PositiveSmallIntegerField(
        _("readiness (1–5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("The team's readiness to build the operating model and a pilot procurement."),
    )
    commitment = models.PositiveSmallIntegerField(
        _("management commitment (1–5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    recommendation = models.CharField(
        _("recommendation"), max_length=20, choices=Decision.choices, blank=True
    )
    assessment = models.TextField(_("interview assessment"), blank=True, max_length=LONG_TEXT)
    notes = models.TextField(_("interview notes"), blank=True, max_length=LONG_TEXT)

    objects = InterviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")
        ordering = ["slot__starts_at"]
        constraints = [
            # Two bookings of one slot cannot both stand, whatever the timing: the
            # database refuses the second.
            models.UniqueConstraint(
                fields=["slot"],
                condition=Q(cancelled_at__isnull=True),
                name="interview_one_per_slot",
                violation_error_message=_("This time has already been booked."),
            ),
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(cancelled_at__isnull=True),
                name="interview_one_per_application",
                violation_error_message=_("This application already has an interview."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} – {self.slot}"
