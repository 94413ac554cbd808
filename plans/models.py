"""The action plan's data: factor sets, procurement categories and the organisation's spend.

Every emission figure is spend × a factor in kg CO2e per euro, and says where
the factor came from: a factor set (named, versioned, licensed) or an override
the organisation justified.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from academy.models import Cohort, Membership, Organisation, Participation, StoredFile, User


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
    description_fi = models.TextField(
        _("description (Finnish)"),
        blank=True,
        help_text=_(
            "What the factors describe, in a sentence or two, shown with every figure in the "
            "reader's language."
        ),
    )
    description_sv = models.TextField(_("description (Swedish)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
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

    @property
    def description(self) -> str:
        """In the active language, else in Finnish, else in English."""
        return in_active_language(self, "description") or self.description_en


class PriceIndex(models.Model):
    """A year's price level, to bring spend of one year to the prices of a factor set's year.

    Spend of year *y* in the prices of year *p* is spend × index(*p*) / index(*y*).
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    value = models.DecimalField(
        _("index"),
        max_digits=10,
        decimal_places=3,
        validators=[MinValueValidator(Decimal("0.001"))],
    )
    source = models.CharField(
        _("source"),
        max_length=300,
        help_text=_("e.g. Statistics Finland, consumer price index 2015 = 100, yearly average."),
    )

    class Meta:
        verbose_name = _("price index")
        verbose_name_plural = _("price indices")
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year}: {self.value}"


class CohortFactorSet(models.Model):
    """The factor set a cohort's action plans use, and how its currency becomes euros."""

    cohort = models.OneToOneField(
        Cohort, on_delete=models.CASCADE, related_name="factor_choice", verbose_name=_("cohort")
    )
    factor_set = models.ForeignKey(
        FactorSet, on_delete=models.PROTECT, related_name="+", verbose_name=_("factor set")
    )
    units_per_euro = models.DecimalField(
        _("units of the set's currency per euro"),
        max_digits=12,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.000001"))],
        help_text=_(
            "Only for a set whose factors are per another currency, e.g. 1.053 US dollars per "
            "euro (the ECB's 2022 average)."
        ),
    )
    exchange_rate_source = models.CharField(
        _("source of the exchange rate"), max_length=300, blank=True
    )

    class Meta:
        verbose_name = _("factor set of a cohort")
        verbose_name_plural = _("factor sets of the cohorts")

    def __str__(self) -> str:
        return f"{self.cohort}: {self.factor_set}"

    def clean(self) -> None:
        factor_set = getattr(self, "factor_set", None)
        if factor_set is not None and factor_set.currency != "EUR" and not self.units_per_euro:
            raise ValidationError(
                {
                    "units_per_euro": _(
                        "The set's factors are per %(currency)s: give how many %(currency)s "
                        "a euro is."
                    )
                    % {"currency": factor_set.currency}
                }
            )


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
    keywords = models.TextField(
        _("words in account names"),
        blank=True,
        help_text=_(
            "One per line, in any of the languages: a word or a part of a compound word in its "
            "basic form (siivous, jätehuolto, elintarvike), or a few words (rakennusten "
            "kunnossapito). A keyword matches whole words and parts of compound words with their "
            "endings (jätehuolto: Jätehuoltopalvelujen), never letters inside another word "
            "(ateria: not Rakennusmateriaalit). When an account's name holds several, the last "
            "one decides, as the end of a compound says what it is, and a longer keyword counts "
            "over one inside it."
        ),
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
    hand_amount_eur = models.DecimalField(
        _("spend entered by hand (EUR)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_(
            "Kept while the purchase ledger's spend stands in for it, and back in use if the "
            "ledger has no spend for the category any more."
        ),
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


class AccountMapping(models.Model):
    """Which procurement category an organisation's ledger account belongs to.

    Kept per organisation, so that the next import of its ledger is mapped
    already. An account left out (``excluded``) is not procurement, such as
    internal charges; an account with neither a category nor excluded is still
    unmapped and its spend is outside the analysis.
    """

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="ledger_accounts",
        verbose_name=_("organisation"),
    )
    account = models.CharField(_("account"), max_length=50)
    name = models.CharField(_("account name"), max_length=300, blank=True)
    category = models.ForeignKey(
        ProcurementCategory,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="accounts",
        verbose_name=_("category"),
    )
    excluded = models.BooleanField(_("not procurement"), default=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        verbose_name = _("account mapping")
        verbose_name_plural = _("account mappings")
        ordering = ["organisation", "account"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "account"], name="accountmapping_once_per_account"
            ),
            models.CheckConstraint(
                condition=models.Q(category__isnull=True) | models.Q(excluded=False),
                name="accountmapping_category_or_excluded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.name}".strip()

    @property
    def is_mapped(self) -> bool:
        return self.excluded or self.category_id is not None


class LedgerColumn(models.TextChoices):
    """What the import needs from a purchase-invoice file, and what it can use."""

    ACCOUNT = "account", _("Account number")
    ACCOUNT_NAME = "account_name", _("Account name")
    AMOUNT = "amount", _("Amount")
    DATE = "date", _("Voucher date")
    VAT = "vat", _("VAT amount")


class VatMode(models.TextChoices):
    """How the amounts a file holds become amounts without VAT."""

    EXCLUDED = "excluded", _("The amounts are without VAT")
    SUBTRACT = "subtract", _("The amounts include VAT: subtract the VAT column from them")
    RATE = "rate", _("The amounts include VAT: take it out at a rate")


class ImportState(models.TextChoices):
    UPLOADED = "uploaded", _("Columns to choose")
    QUEUED = "queued", _("Waiting to be read")
    RUNNING = "running", _("Being read")
    REVIEW = "review", _("Read, to be checked before use")
    APPLIED = "applied", _("In use")
    REPLACED = "replaced", _("Replaced by a later import")
    FAILED = "failed", _("Failed")


def problem_text(problem: dict) -> str:
    """A row's reason, kept untranslated with its value, in the reader's language."""
    reason = gettext(problem["reason"])
    return reason % {"value": "", **problem} if "%(" in reason else reason


class LedgerImport(models.Model):
    """One purchase-ledger file read into account totals for a year.

    The totals are saved only when the whole file has been read, and they count
    in the analysis only once the import is applied, which sets aside the
    year's earlier import: a failed or discarded import changes nothing.
    """

    plan = models.ForeignKey(
        ActionPlan,
        on_delete=models.CASCADE,
        related_name="ledger_imports",
        verbose_name=_("action plan"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    file = models.ForeignKey(
        StoredFile, on_delete=models.PROTECT, related_name="+", verbose_name=_("file")
    )
    columns = models.JSONField(
        _("columns"), default=dict, blank=True, help_text=_("Which column of the file holds what.")
    )
    vat_mode = models.CharField(
        _("VAT"), max_length=10, choices=VatMode.choices, blank=True, default=""
    )
    vat_rate = models.DecimalField(
        _("VAT rate (%)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("The rate at which VAT is taken out of amounts that include it."),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=ImportState.choices, default=ImportState.UPLOADED
    )
    progress = models.FloatField(_("progress"), default=0)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    rows_bad = models.PositiveIntegerField(_("rows not read"), default=0)
    problems = models.JSONField(
        _("rows not read"),
        default=list,
        blank=True,
        help_text=_("The first rows that could not be read: line number and reason."),
    )
    total_eur = models.DecimalField(
        _("total (EUR)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    other_years = models.JSONField(_("rows dated in other years"), default=dict, blank=True)
    error = models.TextField(
        _("why it failed"), blank=True, help_text=_("Untranslated, with its values apart.")
    )
    error_params = models.JSONField(_("values of the reason"), default=dict, blank=True)
    created_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    touched_at = models.DateTimeField(_("last sign of progress"), null=True, blank=True)
    readings = models.PositiveSmallIntegerField(
        _("readings started"),
        default=0,
        help_text=_("How many times a worker began to read the file; a lost reader's is resumed."),
    )
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)

    class Meta:
        verbose_name = _("ledger import")
        verbose_name_plural = _("ledger imports")
        ordering = ["plan", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "year"],
                condition=models.Q(state="applied"),
                name="ledgerimport_one_applied_per_year",
            )
        ]

    def __str__(self) -> str:
        return f"{self.file.original_name} ({self.year})"

    @property
    def is_working(self) -> bool:
        return self.state in {ImportState.QUEUED, ImportState.RUNNING}

    @property
    def percent(self) -> int:
        return round(self.progress * 100)

    @property
    def error_text(self) -> str:
        """Why the import failed, in the reader's language."""
        if not self.error:
            return ""
        return gettext(self.error) % self.error_params if self.error_params else gettext(self.error)

    @property
    def problem_texts(self) -> list[tuple[int, str]]:
        """The rows that could not be read: line and reason, in the reader's language."""
        return [(problem["line"], problem_text(problem)) for problem in self.problems]


class LedgerAccountTotal(models.Model):
    """An import's sum and row count for one account."""

    ledger_import = models.ForeignKey(
        LedgerImport,
        on_delete=models.CASCADE,
        related_name="totals",
        verbose_name=_("ledger import"),
    )
    account = models.CharField(_("account"), max_length=50)
    name = models.CharField(_("account name"), max_length=300, blank=True)
    amount_eur = models.DecimalField(_("total (EUR)"), max_digits=16, decimal_places=2)
    rows = models.PositiveIntegerField(_("rows"))

    class Meta:
        verbose_name = _("account total")
        verbose_name_plural = _("account totals")
        ordering = ["ledger_import", "account"]
        constraints = [
            models.UniqueConstraint(
                fields=["ledger_import", "account"], name="ledgeraccounttotal_once_per_account"
            )
        ]

    def __str__(self) -> str:
        return f"{self.account}: {self.amount_eur}"


class Recorded(models.Model):
    """When a row was last changed and by whom, for a change history."""

    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        abstract = True


class CategoryPlan(Recorded):
    """How the organisation will cut the emissions of one category it chose to work on."""

    plan = models.ForeignKey(
        ActionPlan,
        on_delete=models.CASCADE,
        related_name="category_plans",
        verbose_name=_("action plan"),
    )
    category = models.ForeignKey(
        ProcurementCategory,
        on_delete=models.PROTECT,
        related_name="implementation_plans",
        verbose_name=_("category"),
    )
    goals = models.TextField(_("goals"), blank=True)
    criteria = models.TextField(
        _("criteria to use"), blank=True, help_text=_("The low-carbon criteria to use in tenders.")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="category_plans",
        verbose_name=_("owner"),
    )
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("end"), null=True, blank=True)
    schedule_note = models.TextField(_("schedule"), blank=True)
    indicators = models.TextField(
        _("indicators"), blank=True, help_text=_("How progress is measured.")
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("category implementation plan")
        verbose_name_plural = _("category implementation plans")
        ordering = ["plan", "category__position", "category__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "category"],
                name="categoryplan_once_per_category",
                violation_error_message=_(
                    "The plan already has an implementation plan for this category."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(starts_on__isnull=True)
                | models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="categoryplan_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return str(self.category)

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end cannot be before the start.")})


class Month(models.IntegerChoices):
    JANUARY = 1, _("January")
    FEBRUARY = 2, _("February")
    MARCH = 3, _("March")
    APRIL = 4, _("April")
    MAY = 5, _("May")
    JUNE = 6, _("June")
    JULY = 7, _("July")
    AUGUST = 8, _("August")
    SEPTEMBER = 9, _("September")
    OCTOBER = 10, _("October")
    NOVEMBER = 11, _("November")
    DECEMBER = 12, _("December")


@dataclass(frozen=True)
class Section:
    """A part of the operating model: its fields and the guidance shown to the team."""

    key: str
    title: str | Promise
    guidance: str | Promise
    fields: tuple[str, ...]


OPERATING_MODEL_SECTIONS = (
    Section(
        "goals",
        _("Goals and the link to climate targets and strategy"),
        _(
            "What low-carbon procurement should achieve, and how it serves the organisation's "
            "climate targets and strategy. Name the targets and documents it follows from."
        ),
        ("goals", "climate_targets"),
    ),
    Section(
        "roles",
        _("Roles and responsibilities"),
        _(
            "Who does what: who decides, who prepares the procurements, who sets the criteria "
            "and who follows them up. The team's members are listed next to this section."
        ),
        ("roles",),
    ),
    Section(
        "process",
        _("Low carbon in each step of the procurement process"),
        _(
            "How low carbon is considered in planning the procurement, in the market dialogue, "
            "in the criteria and in managing the contract."
        ),
        ("planning", "market_dialogue", "criteria", "contract_management"),
    ),
    Section(
        "monitoring",
        _("Monitoring and indicators"),
        _("What is measured, how often, from which data, and who reports it to whom."),
        ("monitoring",),
    ),
    Section(
        "improvement",
        _("Continuous improvement"),
        _(
            "How the operating model is reviewed every year, and how the review is tied to the "
            "organisation's climate work and responsibility management."
        ),
        ("improvement", "review_month"),
    ),
)


class OperatingModel(Recorded):
    """How the organisation runs low-carbon procurement from now on, section by section."""

    plan = models.OneToOneField(
        ActionPlan,
        on_delete=models.CASCADE,
        related_name="operating_model",
        verbose_name=_("action plan"),
    )
    goals = models.TextField(_("goals"), blank=True)
    climate_targets = models.TextField(_("link to the climate targets and strategy"), blank=True)
    roles = models.TextField(_("roles and responsibilities"), blank=True)
    planning = models.TextField(_("planning the procurement"), blank=True)
    market_dialogue = models.TextField(_("market dialogue"), blank=True)
    criteria = models.TextField(_("criteria"), blank=True)
    contract_management = models.TextField(_("contract management"), blank=True)
    monitoring = models.TextField(_("monitoring and indicators"), blank=True)
    improvement = models.TextField(_("yearly review and improvement"), blank=True)
    review_month = models.PositiveSmallIntegerField(
        _("month of the yearly review"), choices=Month.choices, null=True, blank=True
    )

    sections = OPERATING_MODEL_SECTIONS

    class Meta:
        verbose_name = _("operating model")
        verbose_name_plural = _("operating models")

    def __str__(self) -> str:
        return str(self.plan)

    def is_filled(self, section: Section) -> bool:
        """A section is filled when every one of its fields has something in it."""
        values = [getattr(self, name) for name in section.fields]
        return all(value is not None and str(value).strip() for value in values)

    def filled_sections(self) -> tuple[int, int]:
        """(sections filled, sections in all), for progress displays."""
        return sum(self.is_filled(section) for section in self.sections), len(self.sections)


class ActionItemState(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class PlanSection(models.TextChoices):
    PILOT = "pilot", _("Pilot procurement")
    OPERATING_MODEL = "operating_model", _("Operating model")


class ActionItemQuerySet(models.QuerySet["ActionItem"]):
    def not_done(self) -> "ActionItemQuerySet":
        return self.exclude(state=ActionItemState.DONE)

    def owned_by_a_member(self) -> "ActionItemQuerySet":
        """Items whose owner is still on the team of the plan's organisation."""
        return self.filter(
            models.Exists(
                Membership.objects.filter(
                    user=models.OuterRef("owner"),
                    organisation=models.OuterRef("plan__participation__organisation"),
                )
            )
        )


class ActionItem(Recorded):
    """Something a team member has to get done by a date, for the plan."""

    plan = models.ForeignKey(
        ActionPlan,
        on_delete=models.CASCADE,
        related_name="action_items",
        verbose_name=_("action plan"),
    )
    title = models.CharField(pgettext_lazy("name of a thing", "title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="action_items",
        verbose_name=_("owner"),
    )
    due = models.DateField(_("due"))
    state = models.CharField(
        _("state"), max_length=12, choices=ActionItemState.choices, default=ActionItemState.OPEN
    )
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    category = models.ForeignKey(
        ProcurementCategory,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("category"),
    )
    section = models.CharField(
        _("part of the plan"), max_length=20, choices=PlanSection.choices, blank=True
    )
    created_at = models.DateTimeField(_("added"), default=timezone.now)

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["plan", "due", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(category__isnull=True) | models.Q(section=""),
                name="actionitem_category_or_section",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.category_id and self.section:
            raise ValidationError(
                {"section": _("Link the item either to a category or to a part of the plan.")}
            )

    def is_overdue(self, today: dt.date) -> bool:
        return self.state != ActionItemState.DONE and self.due < today


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
