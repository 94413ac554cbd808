"""The analysis against numbers worked out by hand."""

from decimal import Decimal

import pytest

from plans.models import (
    CategorySpend,
)
from plans.services.analysis import analyse, category_factors

from .conftest import category

pytestmark = pytest.mark.django_db


def by_code(analysis) -> dict[str, object]:
    return {row.category.code.removeprefix("t-"): row for row in analysis.rows}


def test_a_category_s_factor_is_the_share_weighted_mean_of_its_mapping(plan, factor_set):
    factors = category_factors(factor_set)
    # ict: (0.5 × 0.100 + 0.5 × 2.000) / 1 = 1.050
    assert factors[plan.categories["ict"].pk] == Decimal("1.050000")
    assert factors[plan.categories["heat"].pk] == Decimal("0.500000")
    assert plan.categories["electricity"].pk not in factors


def test_uneven_shares_weigh_accordingly(factor_set):
    y, z = factor_set.factors.get(code="Y"), factor_set.factors.get(code="Z")
    mixed = category("mixed", 9, (y, "0.75"), (z, "0.25"))
    # 0.75 × 0.100 + 0.25 × 2.000 = 0.575
    assert category_factors(factor_set)[mixed.pk] == Decimal("0.575000")


def test_spend_times_factor_shares_and_ranks(plan):
    result = analyse(plan)
    rows = by_code(result)
    # Emissions: 100 000 × 0.5 = 50 t; 20 000 × 1.05 = 21 t; 300 000 × 0.1 = 30 t.
    assert [rows[name].emissions for name in ("heat", "ict", "food")] == [
        Decimal("50.000"),
        Decimal("21.000"),
        Decimal("30.000"),
    ]
    assert result.total_spend == Decimal("500000")
    assert result.total_emissions == Decimal("101.000")
    # Spend shares of 500 000: 20 %, 4 %, 60 %, 16 %.
    assert [rows[n].spend_share for n in ("heat", "ict", "food", "electricity")] == [
        Decimal("20.00"),
        Decimal("4.00"),
        Decimal("60.00"),
        Decimal("16.00"),
    ]
    # Emission shares of 101 t: 50/101 = 49.50 %, 30/101 = 29.70 %, 21/101 = 20.79 %.
    assert [
        (r.category.code, r.rank, r.emissions_share, r.cumulative_share) for r in result.ranked
    ] == [
        ("t-heat", 1, Decimal("49.50"), Decimal("49.50")),
        ("t-food", 2, Decimal("29.70"), Decimal("79.21")),
        ("t-ict", 3, Decimal("20.79"), Decimal("100.00")),
    ]


def test_spend_without_a_factor_is_unknown_not_zero(plan):
    result = analyse(plan)
    (missing,) = result.without_factor
    assert missing.category == plan.categories["electricity"]
    assert (missing.factor, missing.emissions, missing.rank) == (None, None, None)
    assert result.rows[-1] is missing


def test_a_justified_override_replaces_the_set_s_factor(plan):
    CategorySpend.objects.filter(category=plan.categories["electricity"]).update(
        factor_override=Decimal("0.200"), override_justification="Sähkön toimittajan ilmoittama"
    )
    CategorySpend.objects.filter(category=plan.categories["food"]).update(
        factor_override=Decimal("0.050"), override_justification="Kasvispainotteinen"
    )
    rows = by_code(analyse(plan))
    # 80 000 × 0.2 = 16 t; food 300 000 × 0.05 = 15 t; total 50 + 21 + 15 + 16 = 102 t.
    assert rows["electricity"].emissions == Decimal("16.000")
    assert rows["electricity"].overridden
    assert rows["electricity"].justification == "Sähkön toimittajan ilmoittama"
    assert rows["food"].emissions == Decimal("15.000")
    assert [r.category.code for r in analyse(plan).ranked] == [
        "t-heat",
        "t-ict",
        "t-electricity",
        "t-food",
    ]
    assert rows["heat"].emissions_share == Decimal("49.02")  # 50 / 102


def test_another_year_s_spend_is_not_counted(plan):
    CategorySpend.objects.create(
        plan=plan, year=2020, category=plan.categories["heat"], amount_eur=Decimal("999999")
    )
    assert analyse(plan).total_spend == Decimal("500000")
    assert analyse(plan, 2020).total_spend == Decimal("999999")


def test_the_analysis_takes_a_fixed_number_of_queries(plan, django_assert_num_queries):
    # The factors, the spend, and the price index (the set's prices are of 2022, the spend 2021).
    with django_assert_num_queries(3):
        analyse(plan)
