from celery import shared_task


@shared_task(name="academy.ping")
def ping(payload: str) -> str:
    """Echo the payload back: a health check that a worker consumes the queue."""
    return payload


@shared_task(name="academy.retention_sweep", ignore_result=True)
def retention_sweep() -> None:
    """Remove or anonymise what the retention rules say is due (see academy.retention)."""
    from django.utils import timezone

    from . import retention
    from .cache import purge_expired

    retention.sweep(timezone.now())
    purge_expired()


@shared_task(name="academy.heartbeat", ignore_result=True)
def heartbeat() -> None:
    """Show the status page that a worker runs tasks (Beat sends this every minute)."""
    from .health import record_heartbeat

    record_heartbeat()
