"""The action plan's data: factor sets, procurement categories and the organisation's spend.

Every emission figure is spend × a factor in kg CO2e per euro, and says where
the factor came from: a factor set (named, versioned, licensed) or an override
the organisation justified.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language, gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from academy.models import Participation


def in_active_language(obj: models.Model, field: str) -> str:
    """``field_fi``, ``field_sv`` or ``field_en`` for the active language; else the Finnish."""
    language = (get_language() or "fi")[:2]
    return getattr(obj, f"{field}_{language}", "") or getattr(obj, f"{field}_fi")


class FactorSetQuerySet(models.QuerySet["FactorSet"]):
    def default(self) -> "FactorSet | None":
        return self.filter(is_default=True).first()


class FactorSet(models.Model):
    """A published table of spend-based emission factors, in kg CO2e per euro."""

    name = models.CharField(_("name"), max_length=200)
    publisher = models.CharField(_("publisher"), max_length=200)
    version = models.CharField(_("version"), max_length=50)
    licence = models.CharField(_("licence"), max_length=200)
    unit = models.CharField(_("unit"), max_length=100, default="kg CO2e / EUR")
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    price_year = models.PositiveSmallIntegerField(_("price year"))
    region = models.CharField(_("region"), max_length=100)
    notes = models.TextField(
        _("notes"),
        blank=True,
        help_text=_("How the factors were made or converted, and what to keep in mind."),
    )
    indicative = models.BooleanField(
        _("indicative only"),
        default=False,
        help_text=_("Shown with every figure, e.g. when the factors describe another economy."),
    )
    is_default = models.BooleanField(
        _("default"), default=False, help_text=_("New action plans use this set.")
    )
    created_at = models.DateTimeField(_("added"), default=timezone.now)

    objects = FactorSetQuerySet.as_manager()

    class Meta:
        verbose_name = _("emission factor set")
        verbose_name_plural = _("emission factor sets")
        ordering = ["-is_default", "name", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="factorset_one_default",
                violation_error_message=_("Another factor set is already the default."),
            ),
            models.UniqueConstraint(
                fields=["name", "version"], name="factorset_name_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.version}"


class EmissionFactor(models.Model):
    factor_set = models.ForeignKey(
        FactorSet, on_delete=models.CASCADE, related_name="factors", verbose_name=_("factor set")
    )
    code = models.CharField(_("code"), max_length=50)
    name = models.CharField(_("name"), max_length=300)
    kg_per_eur = models.DecimalField(
        _("kg CO2e per euro"),
        max_digits=12,
        decimal_places=6,
        validators=[MinValueValidator(Decimal("0"))],
    )

    class Meta:
        verbose_name = _("emission factor")
        verbose_name_plural = _("emission factors")
        ordering = ["factor_set", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["factor_set", "code"], name="emissionfactor_code_once_per_set"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ProcurementCategory(models.Model):
    """A public-sector procurement category, named in the three languages."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name_fi = models.CharField(_("name (Finnish)"), max_length=200)
    name_sv = models.CharField(_("name (Swedish)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    notes = models.TextField(
        _("mapping notes"), blank=True, help_text=_("Why the category maps to its factors.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("procurement category")
        verbose_name_plural = _("procurement categories")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return in_active_language(self, "name")


class CategoryFactor(models.Model):
    """A category's mapping to a factor of a set, with its share of the category's spend.

    A category's factor in a set is the share-weighted mean of its mapped factors
    in that set.
    """

    category = models.ForeignKey(
        ProcurementCategory,
        on_delete=models.CASCADE,
        related_name="mappings",
        verbose_name=_("category"),
    )
    factor = models.ForeignKey(
        EmissionFactor,
        on_delete=models.CASCADE,
        related_name="mappings",
        verbose_name=_("emission factor"),
    )
    share = models.DecimalField(
        _("share"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.001")), MaxValueValidator(Decimal("1"))],
        help_text=_("The part of the category's spend this factor stands for, 0–1."),
    )

    class Meta:
        verbose_name = _("category mapping")
        verbose_name_plural = _("category mappings")
        ordering = ["category", "-share"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "factor"], name="categoryfactor_once_per_factor"
            )
        ]

    def __str__(self) -> str:
        return f"{self.category} → {self.factor} ({self.share})"


class ActionPlan(models.Model):
    """One organisation's action plan in its cohort."""

    participation = models.OneToOneField(
        Participation,
        on_delete=models.CASCADE,
        related_name="action_plan",
        verbose_name=_("participating organisation"),
    )
    factor_set = models.ForeignKey(
        FactorSet,
        on_delete=models.PROTECT,
        related_name="plans",
        verbose_name=_("factor set"),
    )
    spend_year = models.PositiveSmallIntegerField(
        _("spend year"), help_text=_("The year whose procurement spend is analysed.")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")

    def __str__(self) -> str:
        return str(self.participation)


class SpendSource(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    LEDGER = "ledger", _("From the purchase ledger")


class CategorySpend(models.Model):
    """An organisation's spend in one category and year, with an optional justified factor."""

    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, related_name="spend", verbose_name=_("action plan")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    category = models.ForeignKey(
        ProcurementCategory,
        on_delete=models.PROTECT,
        related_name="spend",
        verbose_name=_("category"),
    )
    amount_eur = models.DecimalField(
        _("spend (EUR, excluding VAT)"), max_digits=14, decimal_places=2
    )
    source = models.CharField(
        _("source"), max_length=10, choices=SpendSource.choices, default=SpendSource.MANUAL
    )
    factor_override = models.DecimalField(
        _("own factor (kg CO2e per euro)"),
        max_digits=12,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    override_justification = models.TextField(_("why this factor"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("category spend")
        verbose_name_plural = _("category spend")
        ordering = ["plan", "year", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "year", "category"], name="categoryspend_once_per_year"
            ),
            models.CheckConstraint(
                condition=models.Q(factor_override__isnull=True)
                | ~models.Q(override_justification=""),
                name="categoryspend_override_is_justified",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category}: {self.amount_eur} EUR ({self.year})"

    def clean(self) -> None:
        if self.factor_override is not None and not self.override_justification.strip():
            raise ValidationError(
                {"override_justification": _("Say why this factor is used instead of the set's.")}
            )


class MeasureKind(models.TextChoices):
    TENDER_CRITERIA = "tender_criteria", _("Criteria in the tender")
    DEMAND_REDUCTION = "demand_reduction", _("Buying less")
    ALTERNATIVE_SOLUTION = "alternative_solution", _("Another solution to the need")
    MARKET_DIALOGUE = "market_dialogue", _("Market dialogue")
    CONTRACT_MANAGEMENT = "contract_management", _("Contract management")
    OTHER = "other", _("Other")


def percent_field(label):
    return models.PositiveSmallIntegerField(
        label, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )


class SuggestedMeasure(models.Model):
    """Staff's library of measures that organisations pick and adapt."""

    category = models.ForeignKey(
        ProcurementCategory,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="suggestions",
        verbose_name=_("category"),
        help_text=_("Empty: suggested for every category."),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=MeasureKind.choices)
    title_fi = models.CharField(_("title (Finnish)"), max_length=200)
    title_sv = models.CharField(_("title (Swedish)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    reduction_low = percent_field(_("reduction, low (%)"))
    reduction_high = percent_field(_("reduction, high (%)"))

    class Meta:
        verbose_name = _("suggested measure")
        verbose_name_plural = _("suggested measures")
        ordering = ["category__position", "title_fi"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reduction_low__lte=models.F("reduction_high")),
                name="suggestedmeasure_low_not_above_high",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return in_active_language(self, "title")


class ReductionMeasure(models.Model):
    """What the organisation will do in a category, and how much it could cut.

    Potential (t CO2e) = the category's emissions × the estimated reduction ×
    the organisation's ability to influence it (1–5, read as 20–100 %).
    """

    plan = models.ForeignKey(
        ActionPlan,
        on_delete=models.CASCADE,
        related_name="measures",
        verbose_name=_("action plan"),
    )
    category = models.ForeignKey(
        ProcurementCategory,
        on_delete=models.PROTECT,
        related_name="measures",
        verbose_name=_("category"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=MeasureKind.choices)
    title = models.CharField(pgettext_lazy("name of a thing", "title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    reduction_low = percent_field(_("reduction, low (%)"))
    reduction_high = percent_field(_("reduction, high (%)"))
    influence = models.PositiveSmallIntegerField(
        _("ability to influence (1–5)"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1: hardly at all, 5: fully in the organisation's hands."),
    )
    next_tender = models.DateField(_("next tender or contract end"), null=True, blank=True)
    suggestion = models.ForeignKey(
        SuggestedMeasure,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="uses",
        verbose_name=_("from the library"),
    )
    created_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        verbose_name = _("reduction measure")
        verbose_name_plural = _("reduction measures")
        ordering = ["plan", "category__position", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reduction_low__lte=models.F("reduction_high")),
                name="reductionmeasure_low_not_above_high",
            ),
            models.CheckConstraint(
                condition=models.Q(influence__gte=1, influence__lte=5),
                name="reductionmeasure_influence_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if (
            self.reduction_low is not None
            and self.reduction_high is not None
            and self.reduction_low > self.reduction_high
        ):
            raise ValidationError(
                {"reduction_high": _("The high estimate cannot be below the low one.")}
            )


class PilotState(models.TextChoices):
    IDEA = "idea", _("Idea")
    PREPARATION = "preparation", _("Preparation")
    TENDERING = "tendering", _("Tendering")
    CONTRACT = "contract", _("Contract")


class PilotProcurement(models.Model):
    """The procurement the organisation starts preparing during the programme."""

    plan = models.OneToOneField(
        ActionPlan,
        on_delete=models.CASCADE,
        related_name="pilot",
        verbose_name=_("action plan"),
    )
    subject = models.CharField(pgettext_lazy("procurement", "subject"), max_length=300)
    category = models.ForeignKey(
        ProcurementCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pilots",
        verbose_name=_("category"),
    )
    estimated_value = models.DecimalField(
        _("estimated value (EUR, excluding VAT)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    planned_tender_date = models.DateField(_("planned tender date"), null=True, blank=True)
    low_carbon_criteria = models.TextField(_("low-carbon criteria"), blank=True)
    market_dialogue = models.TextField(_("market dialogue"), blank=True)
    expected_reduction = models.DecimalField(
        _("expected reduction (t CO2e a year)"),
        max_digits=12,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    state = models.CharField(
        _("state"), max_length=12, choices=PilotState.choices, default=PilotState.IDEA
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("pilot procurement")
        verbose_name_plural = _("pilot procurements")

    def __str__(self) -> str:
        return self.subject


class PilotMilestone(models.Model):
    pilot = models.ForeignKey(
        PilotProcurement,
        on_delete=models.CASCADE,
        related_name="milestones",
        verbose_name=_("pilot procurement"),
    )
    title = models.CharField(pgettext_lazy("name of a thing", "title"), max_length=200)
    due = models.DateField(_("due"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due", "pk"]

    def __str__(self) -> str:
        return self.title


# Working together on the plan: staff's comments, the change history and the
# frozen versions. Parts of the plan are named by a section key: "analysis",
# "pilot", "category:<code>", and whatever later parts register.


class PlanComment(models.Model):
    """Staff's sparring on a section of the plan, and the team's replies."""

    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, related_name="comments", verbose_name=_("action plan")
    )
    section = models.CharField(_("section"), max_length=100)
    author = models.ForeignKey(
        "academy.User",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    by_staff = models.BooleanField(
        _("by programme staff"),
        default=False,
        help_text=_("Written by programme staff; otherwise by a member of the team."),
    )
    body = models.TextField(_("comment"), help_text=_("Markdown: **bold**, lists, links."))
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        "academy.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )

    class Meta:
        verbose_name = _("comment on a plan")
        verbose_name_plural = _("comments on plans")
        ordering = ["plan", "section", "created_at", "pk"]
        indexes = [models.Index(fields=["plan", "section"], name="plancomment_plan_section")]

    def __str__(self) -> str:
        return f"{self.section}: {self.body[:60]}"

    @property
    def resolved(self) -> bool:
        return self.resolved_at is not None


class PlanChange(models.Model):
    """One saved change to the plan: who, when, where and what, for the team's history.

    ``summary`` is an untranslated message with ``%(name)s`` placeholders filled
    from ``params``, so that each reader sees it in their own language.
    """

    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, related_name="changes", verbose_name=_("action plan")
    )
    user = models.ForeignKey(
        "academy.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    at = models.DateTimeField(_("changed"), default=timezone.now)
    section = models.CharField(_("section"), max_length=100)
    summary = models.CharField(_("summary"), max_length=300)
    params = models.JSONField(_("details"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    fields = models.JSONField(_("changed fields"), default=list, blank=True)

    class Meta:
        verbose_name = _("change to a plan")
        verbose_name_plural = _("changes to plans")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["plan", "-at"], name="planchange_plan_at")]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        try:
            return gettext(self.summary) % self.params
        except (KeyError, TypeError, ValueError):
            return self.summary


class PlanSubmission(models.Model):
    """The plan as the team submitted it: frozen content, kept when the plan is reopened.

    While a submission is not reopened, the plan is read-only for the team.
    """

    plan = models.ForeignKey(
        ActionPlan,
        on_delete=models.CASCADE,
        related_name="submissions",
        verbose_name=_("action plan"),
    )
    submitted_by = models.ForeignKey(
        "academy.User",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    snapshot = models.JSONField(_("content"), encoder=DjangoJSONEncoder)
    html = models.TextField(_("content as shown"))
    language = models.CharField(_("language"), max_length=10)
    pdf = models.ForeignKey(
        "academy.StoredFile",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("PDF"),
    )
    reopened_at = models.DateTimeField(_("reopened"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        "academy.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reopened by"),
    )

    class Meta:
        verbose_name = _("submitted version of a plan")
        verbose_name_plural = _("submitted versions of plans")
        ordering = ["-submitted_at", "-pk"]
        permissions = [("reopen_plansubmission", _("Can reopen a submitted plan"))]
        constraints = [
            models.UniqueConstraint(
                fields=["plan"],
                condition=models.Q(reopened_at__isnull=True),
                name="plansubmission_one_open_per_plan",
                violation_error_message=_("The plan has already been submitted."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan} ({self.submitted_at:%Y-%m-%d})"
