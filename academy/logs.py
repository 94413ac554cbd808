"""Logs as one JSON object a line, each with the request id that caused it, and without
personal data.

Every request gets an id (the proxy's ``X-Request-ID`` when it sends a sensible one,
otherwise a new one), returned in the response's ``X-Request-ID`` header. Tasks a
request queues carry it in their message headers, so a worker's lines name the
request that queued them; a task Beat started gets ``task-<its id>``.

Before a line is written, e-mail addresses, IP addresses and the secrets some web
addresses carry (invitation, calendar-feed, password-reset and verification keys) are
replaced, percent-encoded or not, in the message and in a traceback alike.
"""

import contextvars
import datetime as dt
import json
import logging
import re
import urllib.parse
import uuid

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

HEADER = "X-Request-ID"
GIVEN = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

REDACTIONS = [
    # Addresses, also with international domains (x@äänekoski.fi).
    (re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.\w{2,}"), "[e-mail]"),
    # IPv4 and IPv6 client addresses (allauth's rate-limit keys name them).
    (re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b"), "[ip]"),
    (
        re.compile(
            r"\b(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}\b"
            r"|\b(?:[0-9a-fA-F]{1,4}:){1,6}:(?:[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{1,4})*)?"
        ),
        "[ip]",
    ),
    (re.compile(r"(/invitations/)[^/\s?\"']+"), r"\1[secret]"),
    (re.compile(r"(/calendar/)[^/\s?\"']+(\.ics)"), r"\1[secret]\2"),
    (re.compile(r"(/password/reset/key/)[^/\s?\"']+"), r"\1[secret]"),
    (re.compile(r"(/confirm-email/)[^/\s?\"']+"), r"\1[secret]"),
    (re.compile(r"((?:key|token|code)=)[^&\s\"']+"), r"\1[secret]"),
]


def redact(text: str) -> str:
    # Percent-encoded addresses and keys (matti%40kunta.fi in a query string) too.
    if "%" in text:
        text = urllib.parse.unquote(text)
    for pattern, replacement in REDACTIONS:
        text = pattern.sub(replacement, text)
    return text


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", request_id.get()),
            "message": redact(record.getMessage()),
        }
        if record.exc_info:
            line["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(line, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """The same redaction for people reading a console."""

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        return redact(super().format(record))


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get(HEADER, "")
        request_id.set(given if GIVEN.match(given) else uuid.uuid4().hex)
        response = self.get_response(request)
        response[HEADER] = request_id.get()
        return response


def forget_after_request(**kwargs) -> None:
    """request_finished: Django logs a 404 or 500 after the middleware, so the id is
    forgotten only once the response has gone."""
    request_id.set("-")


# ---------------------------------------------------------------- Celery


def carry_to_task(headers: dict | None = None, **kwargs) -> None:
    """before_task_publish: the message names the request that sent it."""
    if headers is not None and request_id.get() != "-":
        headers["request_id"] = request_id.get()


def take_from_task(task=None, task_id: str | None = None, **kwargs) -> None:
    """task_prerun: the worker's lines for this task carry the request's id."""
    given = getattr(getattr(task, "request", None), "request_id", None)
    request_id.set(given if isinstance(given, str) and GIVEN.match(given) else f"task-{task_id}")


def forget_after_task(**kwargs) -> None:
    request_id.set("-")
