from celery import shared_task
from django.conf import settings

from .services import ledger

# Reading stops with a message for the team after this long (before the hard limit of
# every task, CELERY_TASK_TIME_LIMIT, ends the worker process).
LEDGER_SOFT_TIME_LIMIT = settings.LEDGER_TIME_LIMIT_SECONDS


@shared_task(name="plans.import_ledger", ignore_result=True, soft_time_limit=LEDGER_SOFT_TIME_LIMIT)
def import_ledger(import_id: int) -> None:
    """Read a purchase-ledger file into account totals (see plans.services.ledger)."""
    ledger.run(import_id)


@shared_task(name="plans.resume_lost_imports", ignore_result=True)
def resume_lost_imports() -> None:
    """Read again imports whose worker was lost (Beat, every 20 seconds)."""
    ledger.resume_lost()
