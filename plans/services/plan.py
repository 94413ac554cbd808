"""Starting an action plan, and the spend an organisation enters by hand."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, overload

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from academy.models import Participation

from ..models import ActionPlan, CategorySpend, SpendSource
from .collaboration import ANALYSIS, record_change
from .conversion import cohort_factor_set


class PlanError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@overload
def plan_for(participation: Participation, *, create: Literal[True] = True) -> ActionPlan: ...


@overload
def plan_for(participation: Participation, *, create: bool) -> ActionPlan | None: ...


def plan_for(participation: Participation, *, create: bool = True) -> ActionPlan | None:
    """The organisation's plan; a new one takes its cohort's factor set (else the default) and
    the year before the cohort."""
    plan = (
        ActionPlan.objects.filter(participation=participation).select_related("factor_set").first()
    )
    if plan is not None or not create:
        return plan
    factor_set = cohort_factor_set(participation.cohort)
    if factor_set is None:
        raise PlanError(_("No emission factor set is in use yet. Please contact programme staff."))
    plan, _created = ActionPlan.objects.get_or_create(
        participation=participation,
        defaults={"factor_set": factor_set, "spend_year": participation.cohort.year - 1},
    )
    return plan


@dataclass
class Entry:
    category_id: int
    amount: Decimal | None
    factor: Decimal | None
    justification: str
    from_ledger: bool = False


def change_spend_year(plan: ActionPlan, year: int, *, by) -> None:
    """The analysis shows ``year`` from now on; no amount changes."""
    plan.spend_year = year
    plan.save(update_fields=["spend_year"])
    record_change(
        plan,
        by,
        ANALYSIS,
        gettext_noop("The analysis year was changed to %(year)s."),
        params={"year": year},
    )


def save_manual_spend(plan: ActionPlan, year: int, entries: list[Entry], *, by) -> int:
    """Replace the year's hand-entered spend with ``entries``; an empty amount removes a row.

    A category whose spend comes from the purchase ledger keeps its amount: only
    its own factor and justification are saved.
    """
    saved = 0
    with transaction.atomic():
        ActionPlan.objects.select_for_update().filter(pk=plan.pk).first()
        existing = {
            row.category_id: row for row in CategorySpend.objects.filter(plan=plan, year=year)
        }
        for entry in entries:
            row = existing.get(entry.category_id)
            if row is not None and row.source == SpendSource.LEDGER:
                row.factor_override = entry.factor
                row.override_justification = entry.justification if entry.factor is not None else ""
                row.save(update_fields=["factor_override", "override_justification", "updated_at"])
                saved += 1
                continue
            if entry.amount is None:
                if row is not None:
                    row.delete()
                continue
            values = {
                "amount_eur": entry.amount,
                "factor_override": entry.factor,
                "override_justification": entry.justification if entry.factor is not None else "",
                "source": SpendSource.MANUAL,
            }
            CategorySpend.objects.update_or_create(
                plan=plan, year=year, category_id=entry.category_id, defaults=values
            )
            saved += 1
        record_change(
            plan,
            by,
            ANALYSIS,
            gettext_noop("Spend for %(year)s saved."),
            params={"year": year},
        )
    return saved
