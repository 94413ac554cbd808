from celery import shared_task

from . import services


@shared_task(name="notifications.deliver_email", bind=True, max_retries=None)
def deliver_email(self, email_id: int) -> None:
    """Send one outbox row; the row's state makes a repeat or a second worker harmless."""
    delay = services.deliver(email_id)
    if delay is not None:
        raise self.retry(countdown=delay)


@shared_task(name="notifications.requeue_stale")
def requeue_stale() -> int:
    return services.requeue_stale()


@shared_task(name="notifications.send_reminders")
def send_reminders() -> int:
    from .reminders import sweep

    return sweep()
