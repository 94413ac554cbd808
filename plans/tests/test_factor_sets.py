"""Which factors the figures use, said in the reader's language, and how they meet the spend:
the set a cohort uses, its currency and its price year."""

from decimal import Decimal

import pytest

from academy.tests.programme import ParticipationFactory, staff_user
from plans.models import (
    ActionPlan,
    CategorySpend,
    CohortFactorSet,
    FactorSet,
    PlanSubmission,
    PriceIndex,
    ProcurementCategory,
)
from plans.services import plan as plan_service
from plans.services.analysis import analyse
from plans.services.conversion import conversion, use_factor_set

pytestmark = pytest.mark.django_db

CPI = "Tilastokeskus, kuluttajahintaindeksi 2015=100"


def indices(**values):
    for year, value in values.items():
        PriceIndex.objects.create(year=int(year[1:]), value=Decimal(value), source=CPI)


def heat(analysis):
    return next(row for row in analysis.rows if row.category.code == "t-heat")


def test_spend_is_brought_to_the_prices_of_the_factors_year(plan):
    indices(y2021="105.8", y2022="113.3")
    analysis = analyse(plan)
    # 0,500 kg/€ in 2022 prices × 113,3 / 105,8 for euros of 2021.
    assert analysis.conversion.price_ratio == Decimal("1.0709")
    assert heat(analysis).factor == Decimal("0.535444")
    assert heat(analysis).emissions == Decimal("53.544")


def test_without_the_index_years_nothing_is_converted_and_that_is_said(plan):
    PriceIndex.objects.create(year=2022, value=Decimal("113.3"), source=CPI)
    analysis = analyse(plan)
    assert analysis.conversion.missing_index
    assert heat(analysis).factor == Decimal("0.500000")


def test_every_figure_says_what_it_was_calculated_with(member, ours):
    plan = ActionPlan.objects.get(participation=ours)
    CategorySpend.objects.create(
        plan=plan, year=plan.spend_year, category=ProcurementCategory.objects.get(code="heating"),
        amount_eur=Decimal("1000"),
    )  # fmt: skip
    PriceIndex.objects.create(year=2022, value=Decimal("113.3"), source=CPI)
    page = member.get(f"/en/workspace/{ours.pk}/plan/").content.decode()
    spend_year = plan.spend_year
    if spend_year != 2022:
        assert (
            f"The factors are in 2022 prices and the spend of {spend_year} has not been "
            "converted to them, because the price index lacks one of the years"
        ) in page
        basis = f"kg CO2e per euro in 2022 prices; spend of {spend_year}, not converted."
    else:
        basis = "kg CO2e per euro in 2022 prices; spend of 2022."
    # The chart's caption, the analysis table's and the measures table's.
    assert page.count(basis) >= 2


def test_a_teams_own_factor_is_not_converted(plan):
    indices(y2021="105.8", y2022="113.3")
    CategorySpend.objects.filter(category=plan.categories["heat"]).update(
        factor_override=Decimal("0.2"), override_justification="Toimittajan ilmoittama"
    )
    assert heat(analyse(plan)).factor == Decimal("0.2")


def test_a_set_in_another_currency_needs_the_cohorts_exchange_rate(plan):
    FactorSet.objects.filter(pk=plan.factor_set_id).update(currency="USD", price_year=2021)
    plan.refresh_from_db()
    assert analyse(plan).conversion.missing_rate
    assert heat(analyse(plan)).factor == Decimal("0.500000")
    CohortFactorSet.objects.create(
        cohort=plan.participation.cohort,
        factor_set=plan.factor_set,
        units_per_euro=Decimal("1.053"),
        exchange_rate_source="EKP 2021",
    )
    plan.refresh_from_db()
    assert heat(analyse(plan)).factor == Decimal("0.526500")


def test_the_comparison_converts_as_each_plan_does(plan):
    from plans.services.comparison import compare

    indices(y2021="105.8", y2022="113.3")
    standing = next(s for s in compare(plan.participation.cohort) if s.plan is not None)
    assert standing.total_emissions == analyse(plan).total_emissions


@pytest.mark.parametrize(
    ("prefix", "words", "foreign"),
    [
        ("", "Yhdysvaltain ympäristönsuojeluviraston (EPA) toimialoittaiset", "United States"),
        ("/sv", "Den amerikanska miljöskyddsmyndighetens (EPA)", "United States"),
        ("/en", "The US Environmental Protection Agency", None),
    ],
)
def test_the_shipped_set_is_described_in_the_readers_language(
    client, ours, contact, prefix, words, foreign
):
    client.force_login(contact)
    page = client.get(f"{prefix}/workspace/{ours.pk}/plan/").content.decode()
    assert words in page
    if foreign:
        assert foreign not in page


def test_a_cohort_takes_the_set_staff_choose_and_submitted_plans_keep_theirs(
    client, factor_set, cohort
):
    default = FactorSet.objects.default()
    open_plan = plan_service.plan_for(ParticipationFactory(cohort=cohort))
    submitted_plan = plan_service.plan_for(ParticipationFactory(cohort=cohort))
    PlanSubmission.objects.create(plan=submitted_plan, snapshot={}, html="", language="fi")
    assert open_plan.factor_set == default
    client.force_login(staff_user())
    response = client.post(
        "/en/admin/plans/cohortfactorset/add/",
        {"cohort": cohort.pk, "factor_set": factor_set.pk, "units_per_euro": ""},
        follow=True,
    )
    assert response.status_code == 200
    assert "1 action plan of the cohort now uses Testisarja 1" in response.content.decode()
    open_plan.refresh_from_db()
    submitted_plan.refresh_from_db()
    assert open_plan.factor_set == factor_set
    assert submitted_plan.factor_set == default
    assert plan_service.plan_for(ParticipationFactory(cohort=cohort)).factor_set == factor_set
    assert use_factor_set(cohort, factor_set) == 0


def test_a_set_not_in_euros_is_refused_without_an_exchange_rate(client, factor_set, cohort):
    FactorSet.objects.filter(pk=factor_set.pk).update(currency="USD")
    client.force_login(staff_user())
    response = client.post(
        "/en/admin/plans/cohortfactorset/add/",
        {"cohort": cohort.pk, "factor_set": factor_set.pk, "units_per_euro": ""},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["units_per_euro"] == [
        "The set's factors are per USD: give how many USD a euro is."
    ]
    assert not CohortFactorSet.objects.exists()


def test_the_rate_of_another_set_is_not_used(factor_set, cohort):
    other = FactorSet.objects.default()
    choice = CohortFactorSet(cohort=cohort, factor_set=other, units_per_euro=Decimal("2"))
    FactorSet.objects.filter(pk=factor_set.pk).update(currency="USD")
    factor_set.refresh_from_db()
    assert conversion(factor_set, 2022, choice=choice).missing_rate


def test_the_pdf_says_what_its_figures_were_calculated_with(plan):
    from .test_exports import pdf_of

    indices(y2021="105.8", y2022="113.3")
    text = " ".join(" ".join(page.extract_text().split()) for page in pdf_of(plan, "en").pages)
    assert "converted to them by the price index, × 1.0709 (Tilastokeskus" in text
    assert "kg CO2e per euro in 2022 prices; spend of 2021, converted to those prices." in text
