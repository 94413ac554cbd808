"""The action plan's data: factor sets, procurement categories and the organisation's spend.

Every emission figure is spend × a factor in kg CO2e per euro, and says where
the factor came from: a factor set (named, versioned, licensed) or an override
the organisation justified.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from academy.models import Participation


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
        language = (get_language() or "fi")[:2]
        return getattr(self, f"name_{language}", "") or self.name_fi


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
