"""Fixtures of the action plan's tests: a small factor set and a plan worked out by hand."""

from decimal import Decimal

import pytest

from academy.tests.programme import ParticipationFactory
from academy.tests.programme_fixtures import (  # noqa: F401 - fixtures
    cohort,
    colleague,
    contact,
    nobody,
    ours,
    outsider,
    staff,
    theirs,
)
from plans.models import (
    ActionPlan,
    CategoryFactor,
    CategorySpend,
    EmissionFactor,
    FactorSet,
    ProcurementCategory,
)


@pytest.fixture
def factor_set():
    factor_set = FactorSet.objects.create(
        name="Testisarja", publisher="Testi", version="1", licence="-", price_year=2022, region="FI"
    )
    for code, value in (("X", "0.500"), ("Y", "0.100"), ("Z", "2.000")):
        EmissionFactor.objects.create(
            factor_set=factor_set, code=code, name=code, kg_per_eur=Decimal(value)
        )
    return factor_set


def category(code: str, position: int, *mapping) -> ProcurementCategory:
    made = ProcurementCategory.objects.create(
        code=f"t-{code}", name_fi=code, name_sv=code, name_en=code, position=100 + position
    )
    for factor, share in mapping:
        CategoryFactor.objects.create(category=made, factor=factor, share=Decimal(share))
    return made


@pytest.fixture
def plan(factor_set):
    x, y, z = (factor_set.factors.get(code=code) for code in "XYZ")
    categories = {
        "heat": category("heat", 1, (x, "1")),
        "ict": category("ict", 2, (y, "0.5"), (z, "0.5")),
        "food": category("food", 3, (y, "1")),
        "electricity": category("electricity", 4),
    }
    plan = ActionPlan.objects.create(
        participation=ParticipationFactory(), factor_set=factor_set, spend_year=2021
    )
    for name, amount in (
        ("heat", "100000"),
        ("ict", "20000"),
        ("food", "300000"),
        ("electricity", "80000"),
    ):
        CategorySpend.objects.create(
            plan=plan, year=2021, category=categories[name], amount_eur=Decimal(amount)
        )
    plan.categories = categories
    return plan


@pytest.fixture
def member(client, ours, contact, eager_celery, django_capture_on_commit_callbacks):  # noqa: F811
    """The contact person of ``ours``, signed in, with the plan started; ``client.run_tasks()``
    runs the tasks queued inside it when it ends."""
    client.force_login(contact)
    client.get(f"/en/workspace/{ours.pk}/plan/")
    client.run_tasks = lambda: django_capture_on_commit_callbacks(execute=True)
    return client
