"""The spend-based analysis: per category, spend × factor → emissions, shares and rank.

Emissions (t CO2e) = spend (EUR) × factor (kg CO2e / EUR) / 1000. A category's
factor is its own justified override, or else the share-weighted mean of the
factors its mapping names in the plan's factor set, converted to euros of the
spend year (``plans.services.conversion``). A category with spend but no factor is listed
apart: its emissions are unknown, not zero.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, Sum

from ..models import (
    ActionPlan,
    CategoryFactor,
    CategorySpend,
    FactorSet,
    ProcurementCategory,
    SpendSource,
)
from .conversion import Conversion, plan_conversion

KG_PER_TONNE = Decimal(1000)


def category_factors(factor_set: FactorSet) -> dict[int, Decimal]:
    """Each mapped category's factor in the set: Σ share × factor / Σ share, in one query."""
    return category_factors_of_sets([factor_set.pk]).get(factor_set.pk, {})


def category_factors_of_sets(set_ids) -> dict[int, dict[int, Decimal]]:
    """``category_factors`` of several sets at once, by set id, in one query."""
    rows = (
        CategoryFactor.objects.filter(factor__factor_set__in=set_ids)
        .values("factor__factor_set_id", "category_id")
        .annotate(weighted=Sum(F("share") * F("factor__kg_per_eur")), shares=Sum("share"))
    )
    factors: dict[int, dict[int, Decimal]] = {}
    for row in rows:
        if row["shares"]:
            factors.setdefault(row["factor__factor_set_id"], {})[row["category_id"]] = (
                Decimal(row["weighted"]) / Decimal(row["shares"])
            ).quantize(Decimal("0.000001"))
    return factors


@dataclass
class Row:
    category: ProcurementCategory
    spend: Decimal
    factor: Decimal | None
    overridden: bool = False
    justification: str = ""
    emissions: Decimal | None = None  # tonnes CO2e
    spend_share: Decimal = Decimal(0)  # percent
    emissions_share: Decimal | None = None  # percent
    cumulative_share: Decimal | None = None  # percent, in rank order
    rank: int | None = None
    from_ledger: bool = False


@dataclass
class Analysis:
    plan: ActionPlan
    year: int
    factor_set: FactorSet
    conversion: Conversion
    rows: list[Row] = field(default_factory=list)  # ranked; categories without a factor last
    total_spend: Decimal = Decimal(0)
    total_emissions: Decimal = Decimal(0)

    @property
    def ranked(self) -> list[Row]:
        return [row for row in self.rows if row.rank is not None]

    @property
    def without_factor(self) -> list[Row]:
        return [row for row in self.rows if row.factor is None]


def percent(part: Decimal, whole: Decimal) -> Decimal:
    return (part * 100 / whole).quantize(Decimal("0.01")) if whole else Decimal(0)


def analyse(
    plan: ActionPlan,
    year: int | None = None,
    *,
    spend: Iterable[CategorySpend] | None = None,
    factors: dict[int, Decimal] | None = None,
    conversion: Conversion | None = None,
) -> Analysis:
    """The plan's analysis; ``spend`` (the year's rows), ``factors`` (the set's, as published)
    and ``conversion`` when already fetched.

    Pages about many plans at once fetch those for all plans in a few queries.
    """
    year = year or plan.spend_year
    factor_set = plan.factor_set
    if factors is None:
        factors = category_factors(factor_set)
    if spend is None:
        spend = CategorySpend.objects.filter(plan=plan, year=year).select_related("category")
    if conversion is None:
        conversion = plan_conversion(plan, year)
    result = Analysis(plan=plan, year=year, factor_set=factor_set, conversion=conversion)
    multiplier = conversion.multiplier
    for item in spend:
        overridden = item.factor_override is not None
        factor = item.factor_override if overridden else factors.get(item.category_id)
        if factor is not None and not overridden and multiplier != 1:
            factor = (factor * multiplier).quantize(Decimal("0.000001"))
        row = Row(
            category=item.category,
            spend=item.amount_eur,
            factor=factor,
            overridden=overridden,
            from_ledger=item.source == SpendSource.LEDGER,
            justification=item.override_justification if overridden else "",
        )
        if factor is not None:
            row.emissions = (item.amount_eur * factor / KG_PER_TONNE).quantize(Decimal("0.001"))
        result.rows.append(row)
    result.total_spend = sum((row.spend for row in result.rows), Decimal(0))
    known = [(row.emissions, row) for row in result.rows if row.emissions is not None]
    result.total_emissions = sum((emissions for emissions, _row in known), Decimal(0))
    known.sort(key=lambda pair: (-pair[0], -pair[1].spend, pair[1].category.position))
    cumulative = Decimal(0)
    for rank, (emissions, row) in enumerate(known, start=1):
        row.rank = rank
        row.emissions_share = percent(emissions, result.total_emissions)
        cumulative += emissions
        row.cumulative_share = percent(cumulative, result.total_emissions)
    for row in result.rows:
        row.spend_share = percent(row.spend, result.total_spend)
    unknown = sorted(
        (row for row in result.rows if row.emissions is None), key=lambda row: -row.spend
    )
    result.rows = [row for _emissions, row in known] + unknown
    return result
