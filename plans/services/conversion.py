"""From a factor set's prices to a plan's spend: which set a cohort uses, and the conversion.

A set's factors are kilograms of CO2e per unit of its currency in the prices of
its price year. A plan's spend is in euros of its spend year. So that the two
meet, the spend is brought to the set's prices, which is the same as multiplying
each factor by

    units of the set's currency per euro × index(price year) / index(spend year)

where the exchange rate is the cohort's (staff give it with its source for a set
not in euros) and the index is staff's price index. Nothing is converted
silently: a missing rate or index year leaves the factor as it is, and every
figure says so. A category's own factor is the team's, per euro of the spend
year, and is never converted.
"""

from dataclasses import dataclass, replace
from decimal import Decimal

from django.db import transaction

from academy.models import Cohort

from ..models import ActionPlan, CohortFactorSet, FactorSet, PlanSubmission, PriceIndex

EURO = "EUR"


@dataclass(frozen=True)
class Conversion:
    """How a set's factors are brought to euros of the spend year, and what could not be."""

    price_year: int
    spend_year: int
    currency: str = EURO
    units_per_euro: Decimal | None = None
    exchange_rate_source: str = ""
    price_index: tuple[Decimal, Decimal] | None = None  # (price year, spend year)
    price_index_source: str = ""

    @property
    def missing_rate(self) -> bool:
        return self.currency != EURO and self.units_per_euro is None

    @property
    def missing_index(self) -> bool:
        return self.price_year != self.spend_year and self.price_index is None

    @property
    def price_ratio(self) -> Decimal | None:
        if self.price_index is None:
            return None
        at_price_year, at_spend_year = self.price_index
        return (at_price_year / at_spend_year).quantize(Decimal("0.0001"))

    @property
    def multiplier(self) -> Decimal:
        """What each of the set's factors is multiplied by; 1 where nothing is known."""
        result = Decimal(1)
        if self.currency != EURO and self.units_per_euro is not None:
            result *= self.units_per_euro
        if self.price_year != self.spend_year and self.price_index is not None:
            result *= self.price_index[0] / self.price_index[1]
        return result


def conversion(
    factor_set: FactorSet,
    spend_year: int,
    *,
    choice: CohortFactorSet | None = None,
    indices: dict[int, PriceIndex] | None = None,
) -> Conversion:
    """The conversion of ``factor_set`` to euros of ``spend_year``; ``choice`` and ``indices``
    when already fetched (the rate counts only if the choice is of this set)."""
    if indices is None:
        indices = (
            {
                index.year: index
                for index in PriceIndex.objects.filter(year__in=[factor_set.price_year, spend_year])
            }
            if factor_set.price_year != spend_year
            else {}
        )
    rate = choice if choice is not None and choice.factor_set_id == factor_set.pk else None
    found = Conversion(
        price_year=factor_set.price_year,
        spend_year=spend_year,
        currency=factor_set.currency or EURO,
    )
    if rate is not None and rate.units_per_euro:
        found = replace(
            found,
            units_per_euro=rate.units_per_euro,
            exchange_rate_source=rate.exchange_rate_source,
        )
    at_price_year, at_spend_year = indices.get(factor_set.price_year), indices.get(spend_year)
    if factor_set.price_year != spend_year and at_price_year and at_spend_year:
        sources = {at_price_year.source, at_spend_year.source}
        found = replace(
            found,
            price_index=(at_price_year.value, at_spend_year.value),
            price_index_source="; ".join(sorted(sources)),
        )
    return found


def plan_conversion(plan: ActionPlan, year: int) -> Conversion:
    """At most two queries: the index years where the years differ, and the cohort's exchange
    rate where the set is not in euros."""
    choice = None
    if plan.factor_set.currency not in ("", EURO):
        choice = CohortFactorSet.objects.filter(cohort__participations__action_plan=plan).first()
    return conversion(plan.factor_set, year, choice=choice)


def cohort_factor_set(cohort: Cohort) -> FactorSet | None:
    """The set a cohort's new plans take: staff's choice for it, else the default."""
    choice = CohortFactorSet.objects.filter(cohort=cohort).select_related("factor_set").first()
    return choice.factor_set if choice is not None else FactorSet.objects.default()


def use_factor_set(cohort: Cohort, factor_set: FactorSet) -> int:
    """The cohort's plans take the set, except those submitted, which keep what they were
    submitted with until staff reopen them. Returns how many plans changed."""
    with transaction.atomic():
        # The plans' rows are locked first, as submitting locks them: a plan submitted
        # meanwhile is seen as submitted here.
        locked = list(
            ActionPlan.objects.select_for_update()
            .filter(participation__cohort=cohort)
            .exclude(factor_set=factor_set)
            .values_list("pk", flat=True)
        )
        frozen = PlanSubmission.objects.filter(plan__in=locked, reopened_at__isnull=True)
        return (
            ActionPlan.objects.filter(pk__in=locked)
            .exclude(pk__in=frozen.values("plan_id"))
            .update(factor_set=factor_set)
        )
