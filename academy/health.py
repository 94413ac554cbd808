"""Health: ``/healthz`` for the load balancer, and the staff's status page.

``/healthz`` is answered before any other middleware (no host check, no TLS
redirect, no session, no audit): 200 when this process can reach the database,
503 when it cannot. It asks nothing of Redis, because the site keeps working
without it (academy/cache.py, the outbox's sweep).

The status page (``/admin/status/``) runs every registered check and shows each
result beside its threshold. The core registers the database, cache, broker, Beat
and worker checks here; each app registers its own in its ``health.py`` (found when
Django starts), e.g. the outbox's backlog or a ledger import without a reader.
"""

import datetime as dt
import enum
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

log = logging.getLogger(__name__)

HEALTHZ = "/healthz"
# The worker's heartbeat (academy.heartbeat, sent by Beat every minute) is kept here,
# in the database, so that it is seen whether or not Redis is up.
HEARTBEAT_KEY = "academy:worker-heartbeat"
HEARTBEAT_LATE = dt.timedelta(minutes=3)
# Beat is late when a task's last run is older than this many of its intervals, and
# never sooner than BEAT_LATE_AT_LEAST (Beat may write its runs down in batches).
BEAT_LATE_INTERVALS = 3
BEAT_LATE_AT_LEAST = dt.timedelta(minutes=5)


class Level(enum.Enum):
    OK = "ok"
    WARNING = "warning"
    FAILING = "failing"


@dataclass(frozen=True)
class Result:
    level: Level
    value: str  # what was found
    threshold: str  # what counts as healthy


@dataclass(frozen=True)
class Check:
    name: str
    label: object  # a lazy translation
    run: Callable[[dt.datetime], Result]


CHECKS: dict[str, Check] = {}


def register(name: str, label, run: Callable[[dt.datetime], Result]) -> None:
    CHECKS[name] = Check(name, label, run)


@dataclass(frozen=True)
class Line:
    name: str
    label: object
    result: Result


def report(now: dt.datetime) -> list[Line]:
    lines = []
    for check in CHECKS.values():
        try:
            result = check.run(now)
        except Exception as error:  # a broken check is a failing check
            log.exception("Health check %s failed", check.name)
            result = Result(Level.FAILING, f"{error.__class__.__name__}: {error}", "")
        lines.append(Line(check.name, check.label, result))
    return lines


def age(since: dt.datetime | None, now: dt.datetime) -> str:
    if since is None:
        return _("never")
    seconds = max(int((now - since).total_seconds()), 0)
    if seconds < 120:
        return _("%(seconds)s s ago") % {"seconds": seconds}
    return _("%(minutes)s min ago") % {"minutes": seconds // 60}


# ---------------------------------------------------------------- the core's checks


def database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # any failure means no database
        log.exception("Health: the database does not answer")
        return False


def check_database(now: dt.datetime) -> Result:
    started = time.monotonic()
    answers = database_answers()
    took = (time.monotonic() - started) * 1000
    if not answers:
        return Result(Level.FAILING, _("does not answer"), _("answers"))
    level = Level.OK if took < 500 else Level.WARNING
    return Result(level, _("answers in %(ms)s ms") % {"ms": round(took)}, _("under 500 ms"))


def check_cache(now: dt.datetime) -> Result:
    cache = caches["default"]
    key = "academy:health"
    cache.set(key, now.isoformat(), 60)
    read = cache.get(key)
    down_until = getattr(cache, "down_until", 0.0)
    if time.monotonic() < down_until:
        return Result(
            Level.WARNING,
            _("Redis unavailable; the database stands in"),
            _("Redis answers"),
        )
    if read != now.isoformat():
        return Result(Level.FAILING, _("what was written could not be read"), _("reads back"))
    return Result(Level.OK, _("reads back what it wrote"), _("reads back"))


def check_broker(now: dt.datetime) -> Result:
    from .celery import app

    try:
        with app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=1, timeout=settings.BROKER_SOCKET_TIMEOUT)
    except Exception as error:  # noqa: BLE001 - any failure means no broker
        return Result(
            Level.FAILING,
            _("cannot be reached (%(error)s)") % {"error": error.__class__.__name__},
            _("accepts a connection"),
        )
    return Result(Level.OK, _("accepts a connection"), _("accepts a connection"))


def check_beat(now: dt.datetime) -> Result:
    from django_celery_beat.models import PeriodicTask

    late = []
    tasks = PeriodicTask.objects.filter(enabled=True, interval__isnull=False).select_related(
        "interval"
    )
    for task in tasks:
        assert task.interval is not None
        every = dt.timedelta(**{task.interval.period: task.interval.every})
        since = task.last_run_at or task.date_changed
        if since is not None and now - since > max(every * BEAT_LATE_INTERVALS, BEAT_LATE_AT_LEAST):
            late.append(f"{task.name} ({age(task.last_run_at, now)})")
    threshold = _("each task run within %(count)s of its intervals (at least 5 min)") % {
        "count": BEAT_LATE_INTERVALS
    }
    if late:
        return Result(Level.FAILING, _("late: %(tasks)s") % {"tasks": ", ".join(late)}, threshold)
    return Result(Level.OK, _("%(count)s tasks on time") % {"count": len(tasks)}, threshold)


def check_worker(now: dt.datetime) -> Result:
    seen = caches["fallback"].get(HEARTBEAT_KEY)
    last = dt.datetime.fromisoformat(seen) if seen else None
    threshold = _("a heartbeat within %(minutes)s min") % {
        "minutes": int(HEARTBEAT_LATE.total_seconds() // 60)
    }
    found = _("last heartbeat %(age)s") % {"age": age(last, now)}
    if last is None or now - last > HEARTBEAT_LATE:
        return Result(Level.FAILING, found, threshold)
    return Result(Level.OK, found, threshold)


def record_heartbeat(now: dt.datetime | None = None) -> None:
    caches["fallback"].set(HEARTBEAT_KEY, (now or timezone.now()).isoformat(), None)


register("database", gettext_lazy("Database"), check_database)
register("cache", gettext_lazy("Cache (rate limits)"), check_cache)
register("broker", gettext_lazy("Task broker"), check_broker)
register("beat", gettext_lazy("Scheduled tasks (Beat)"), check_beat)
register("worker", gettext_lazy("Workers"), check_worker)


# ---------------------------------------------------------------- the two pages


class HealthzMiddleware:
    """Answers ``/healthz`` first, whatever host or scheme the load balancer uses."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info != HEALTHZ:
            return self.get_response(request)
        if database_answers():
            response = JsonResponse({"status": "ok"})
        else:
            response = JsonResponse({"status": "failing", "database": "unreachable"}, status=503)
        response["Cache-Control"] = "no-store"
        return response


def status_view(request: HttpRequest) -> HttpResponse:
    """Every check, its result and its threshold, for staff who follow the outbox."""
    from django.contrib import admin

    if not request.user.has_perm("notifications.view_outgoingemail"):
        raise PermissionDenied
    now = timezone.now()
    lines = report(now)
    context = {
        **admin.site.each_context(request),
        "title": _("Service status"),
        "lines": lines,
        "failing": sum(line.result.level is Level.FAILING for line in lines),
        "checked_at": now,
    }
    return TemplateResponse(request, "admin/status.html", context)
