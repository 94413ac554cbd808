"""Action plans for the cohort-wide pages: spend, measures and a pilot for each organisation."""

from decimal import Decimal

from plans.models import (
    ActionPlan,
    CategorySpend,
    MeasureKind,
    PilotProcurement,
    PilotState,
    ProcurementCategory,
    ReductionMeasure,
    SpendSource,
)
from plans.services import plan as plan_service


def category(code: str) -> ProcurementCategory:
    return ProcurementCategory.objects.get(code=code)


def spend(plan: ActionPlan, code: str, amount: str, factor: str | None = None, **fields):
    return CategorySpend.objects.create(
        plan=plan,
        year=plan.spend_year,
        category=category(code),
        amount_eur=Decimal(amount),
        factor_override=Decimal(factor) if factor else None,
        override_justification="Toimittajan ilmoittama kerroin" if factor else "",
        **fields,
    )


def measure(plan: ActionPlan, code: str, low: int, high: int, influence: int = 5, **fields):
    return ReductionMeasure.objects.create(
        plan=plan,
        category=category(code),
        kind=MeasureKind.TENDER_CRITERIA,
        title=fields.pop("title", "Vähähiilisyyskriteerit"),
        reduction_low=low,
        reduction_high=high,
        influence=influence,
        **fields,
    )


def pilot(plan: ActionPlan, code: str = "catering_food", state=PilotState.PREPARATION):
    return PilotProcurement.objects.create(
        plan=plan, subject="Koulujen ruokapalvelut", category=category(code), state=state
    )


def worked_plan(participation) -> ActionPlan:
    """A plan worked out by hand (see the comparison's tests for the figures)."""
    plan = plan_service.plan_for(participation)
    spend(plan, "heating", "100000")
    spend(plan, "catering_food", "200000", "0.1")
    spend(plan, "cleaning", "50000", "0.2", source=SpendSource.LEDGER)
    spend(plan, "printing", "10000", "0.1")
    measure(plan, "catering_food", 10, 30)
    measure(plan, "catering_food", 50, 50)
    pilot(plan)
    return plan
