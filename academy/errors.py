"""Optional error reporting to Sentry, off unless ``SENTRY_DSN`` is set.

What is sent is scrubbed as the logs are (academy/logs.py): no e-mail address or
secret in any text, no cookies, headers, form data or query strings, and of the user
only the id. Each event is tagged with the request id, so it can be found in the logs.
"""

from typing import Any

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.integrations.redis import RedisIntegration

from .logs import redact, request_id


def _scrubbed(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: _scrubbed(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_scrubbed(item) for item in value]
    return value


def scrub(event: dict, hint: dict | None = None) -> dict:
    request = event.get("request") or {}
    for private in ("cookies", "data", "headers", "query_string", "env"):
        request.pop(private, None)
    user = event.get("user") or {}
    event["user"] = {"id": user["id"]} if "id" in user else {}
    event.setdefault("tags", {})["request_id"] = request_id.get()
    # Local variables in a traceback may hold anything a view had in hand.
    for exception in (event.get("exception") or {}).get("values", []):
        for frame in (exception.get("stacktrace") or {}).get("frames", []):
            frame.pop("vars", None)
    return _scrubbed(event)


def start(dsn: str, environment: str) -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        # Its breadcrumbs name cache keys, and allauth's keys name people's IP addresses.
        disabled_integrations=[RedisIntegration()],
        max_breadcrumbs=0,
        send_default_pii=False,
        include_local_variables=False,
        traces_sample_rate=0.0,
        before_send=scrub,  # type: ignore[arg-type]
    )
