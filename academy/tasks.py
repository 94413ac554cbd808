from celery import shared_task


@shared_task(name="academy.ping")
def ping(payload: str) -> str:
    """Echo the payload back: a health check that a worker consumes the queue."""
    return payload
