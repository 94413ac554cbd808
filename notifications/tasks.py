from celery import shared_task

from . import services


@shared_task(name="notifications.deliver_email", bind=True, max_retries=None, ignore_result=True)
def deliver_email(self, email_id: int) -> None:
    """Send one outbox row; the row's state makes a repeat or a second worker harmless."""
    delay = services.deliver(email_id)
    if delay is not None:
        raise self.retry(countdown=delay)


@shared_task(name="notifications.deliver_emails", ignore_result=True)
def deliver_emails(email_ids: list[int]) -> None:
    """Send several outbox rows, each claimed on its own."""
    services.deliver_many(email_ids)


@shared_task(name="notifications.requeue_stale", ignore_result=True)
def requeue_stale() -> int:
    return services.requeue_stale()


@shared_task(name="notifications.send_reminders", ignore_result=True)
def send_reminders() -> int:
    from .reminders import sweep

    return sweep()
