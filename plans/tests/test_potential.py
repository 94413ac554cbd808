"""Low-carbon potential against numbers worked out by hand."""

import datetime as dt
from decimal import Decimal

import pytest

from plans.models import CategorySpend, MeasureKind, ReductionMeasure
from plans.services.analysis import analyse
from plans.services.potential import category_totals, potentials

pytestmark = pytest.mark.django_db


def measure(plan, name, low, high, influence, tender=None, title="Toimenpide"):
    return ReductionMeasure.objects.create(
        plan=plan,
        category=plan.categories[name],
        kind=MeasureKind.TENDER_CRITERIA,
        title=title,
        reduction_low=low,
        reduction_high=high,
        influence=influence,
        next_tender=tender,
    )


def test_potential_is_emissions_times_reduction_times_influence(plan):
    # Heat: 50 t. Reduction 10–30 %, influence 4/5: low 50 × 0.10 × 0.8 = 4 t,
    # high 50 × 0.30 × 0.8 = 12 t, midpoint 8 t.
    measure(plan, "heat", 10, 30, 4)
    (potential,) = potentials(analyse(plan), plan.measures.all())
    assert (potential.low, potential.high, potential.mid) == (
        Decimal("4.000"),
        Decimal("12.000"),
        Decimal("8.000"),
    )


def test_measures_are_ranked_by_midpoint_then_by_the_sooner_tender(plan):
    # food 30 t × 20–40 % × 5/5 = 6–12 t, mid 9; ict 21 t × 50 % × 5/5 = 10.5 t, mid 10.5;
    # heat 50 t × 15–21 % × 5/5 = 7.5–10.5 t, mid 9, tender sooner than food's.
    measure(plan, "food", 20, 40, 5, dt.date(2023, 6, 1), title="Kasvisruoka")
    measure(plan, "ict", 50, 50, 5, title="Käyttöiän pidennys")
    measure(plan, "heat", 15, 21, 5, dt.date(2022, 9, 1), title="Lämmön kilpailutus")
    ranked = potentials(analyse(plan), plan.measures.all())
    assert [(p.rank, p.measure.title, p.mid) for p in ranked] == [
        (1, "Käyttöiän pidennys", Decimal("10.500")),
        (2, "Lämmön kilpailutus", Decimal("9.000")),
        (3, "Kasvisruoka", Decimal("9.000")),
    ]


def test_a_category_without_emissions_has_no_potential_and_comes_last(plan):
    measure(plan, "electricity", 10, 20, 5, title="Uusiutuva sähkö")
    measure(plan, "heat", 1, 1, 1, title="Pieni")
    ranked = potentials(analyse(plan), plan.measures.all())
    assert [p.measure.title for p in ranked] == ["Pieni", "Uusiutuva sähkö"]
    assert ranked[-1].mid is None
    assert ranked[-1].rank is None


def test_measures_in_one_category_add_up_but_not_beyond_its_emissions(plan):
    # Food: 30 t. 60–80 % and 50–70 % at full influence: 18 + 15 = 33 → capped at 30 (high);
    # low 18 + 15 = 33 → capped at 30 as well.
    measure(plan, "food", 60, 80, 5)
    measure(plan, "food", 50, 70, 5)
    totals = category_totals(potentials(analyse(plan), plan.measures.all()))
    assert totals[plan.categories["food"].pk] == (Decimal("30.000"), Decimal("30.000"))
    CategorySpend.objects.filter(category=plan.categories["food"]).update(
        amount_eur=Decimal("3000000")
    )
    # Now 300 t: 180 + 150 = 330 → capped 300 at high; low 180 + 150 = 330 → 300.
    totals = category_totals(potentials(analyse(plan), plan.measures.all()))
    assert totals[plan.categories["food"].pk][0] == Decimal("300.000")
