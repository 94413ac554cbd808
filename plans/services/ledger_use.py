"""The purchase-ledger import a plan's spend comes from, and what of it has no category yet.

Kept apart from ``plans.services.ledger``, which records its changes through
``plans.services.collaboration``, so that the parts of the plan (``plans.services.parts``), from
which the frozen copy and the PDF are made, can say it too.
"""

from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Sum

from ..models import AccountMapping, ActionPlan, ImportState, LedgerImport


def applied_import(plan: ActionPlan, year: int | None = None) -> LedgerImport | None:
    """The import of the year (the plan's spend year unless given) whose spend is in use."""
    return (
        LedgerImport.objects.filter(
            plan=plan, year=year or plan.spend_year, state=ImportState.APPLIED
        )
        .select_related("file", "plan__participation")
        .first()
    )


def unmapped_summary(ledger_import: LedgerImport) -> tuple[int, Decimal]:
    """How many of the import's accounts, and how many euros, have no category yet: one query."""
    mapped = AccountMapping.objects.filter(
        organisation_id=ledger_import.plan.participation.organisation_id,
        account=OuterRef("account"),
    ).filter(Q(category__isnull=False) | Q(excluded=True))
    found = ledger_import.totals.exclude(Exists(mapped)).aggregate(
        count=Count("pk"), amount=Sum("amount_eur")
    )
    return found["count"], found["amount"] or Decimal(0)
