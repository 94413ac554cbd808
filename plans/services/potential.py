"""Low-carbon potential: what each measure could cut, and which to do first.

For a measure in a category with emissions E (t CO2e), an estimated reduction
from ``low`` to ``high`` percent, and an ability to influence I (1–5):

    potential (t CO2e) = E × reduction × I / 5

given as low, high and their midpoint. Measures are ranked by the midpoint, then
by the next tender (sooner first: that is when the criteria can be used). Several
measures in one category add up, but never beyond the category's emissions.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ..models import ActionPlan, ReductionMeasure
from .analysis import Analysis

HUNDRED = Decimal(100)
FULL_INFLUENCE = Decimal(5)


@dataclass
class Potential:
    measure: ReductionMeasure
    emissions: Decimal | None
    low: Decimal | None = None
    high: Decimal | None = None
    rank: int | None = None

    @property
    def mid(self) -> Decimal | None:
        if self.low is None or self.high is None:
            return None
        return ((self.low + self.high) / 2).quantize(Decimal("0.001"))


def measure_potential(measure: ReductionMeasure, emissions: Decimal | None) -> Potential:
    potential = Potential(measure=measure, emissions=emissions)
    if emissions is None:
        return potential
    weight = Decimal(measure.influence) / FULL_INFLUENCE
    potential.low = (emissions * measure.reduction_low / HUNDRED * weight).quantize(
        Decimal("0.001")
    )
    potential.high = (emissions * measure.reduction_high / HUNDRED * weight).quantize(
        Decimal("0.001")
    )
    return potential


def potentials(analysis: Analysis, measures) -> list[Potential]:
    """Every measure's potential, ranked; those in a category without emissions last."""
    emissions = {row.category.pk: row.emissions for row in analysis.rows}
    result = [measure_potential(m, emissions.get(m.category_id)) for m in measures]
    known = [(mid, p) for p in result if (mid := p.mid) is not None]
    known.sort(
        key=lambda pair: (-pair[0], pair[1].measure.next_tender or dt.date.max, pair[1].measure.pk)
    )
    for rank, (_mid, potential) in enumerate(known, start=1):
        potential.rank = rank
    return [p for _mid, p in known] + [p for p in result if p.mid is None]


def category_totals(items: list[Potential]) -> dict[int, tuple[Decimal, Decimal]]:
    """(low, high) per category: the sum of its measures, capped at its emissions."""
    totals: dict[int, tuple[Decimal, Decimal]] = {}
    for potential in items:
        cap = potential.emissions
        if potential.low is None or potential.high is None or cap is None:
            continue
        category = potential.measure.category_id
        low, high = totals.get(category, (Decimal(0), Decimal(0)))
        totals[category] = (min(low + potential.low, cap), min(high + potential.high, cap))
    return totals


def plan_potentials(plan: ActionPlan, analysis: Analysis) -> list[Potential]:
    return potentials(analysis, plan.measures.select_related("category"))


def total_potential(items: list[Potential]) -> Decimal:
    """The plan's potential at the midpoint: per category its measures' sum, capped."""
    return sum(((low + high) / 2 for low, high in category_totals(items).values()), Decimal(0))
