from celery import shared_task

from .services import ledger


@shared_task(name="plans.import_ledger", ignore_result=True)
def import_ledger(import_id: int) -> None:
    """Read a purchase-ledger file into account totals (see plans.services.ledger)."""
    ledger.run(import_id)
